import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Bearer credentials: random, prefixed by kind, stored only as SHA-256. */
export const SESSION_TOKEN_PREFIX = "wcs_";
export const API_KEY_PREFIX = "wck_";

export const newBearer = (prefix: string): string => prefix + randomBytes(32).toString("base64url");

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

/** Constant-time string comparison (for the admin token). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
