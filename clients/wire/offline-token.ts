import { fromBase64url } from "./base64url";

/**
 * Offline payment tokens: a phone with no network makes one itself
 * and shows it as a QR; the register sends it to `redeemCode` as the code. No platform
 * imports: the phone makes them in a browser too (clients/device-key.ts signs).
 *
 *   token = "P1." + base64url(JSON claims) + "." + base64url(the device's signature over
 *           OFFLINE_TOKEN_HEADER + "\n" + the base64url claims)
 *
 * The claims name the device (`di`), the card (`c`), the most it may pay (`m`), when it
 * was made (`t`, Unix seconds) and a random nonce (`n`). The server takes a token once,
 * within OFFLINE_TOKEN_SECONDS of `t`, within its cap and the device's offline limits.
 */
export const OFFLINE_TOKEN_PREFIX = "P1.";
export const OFFLINE_TOKEN_HEADER = "wallet-center offline payment v1";
/** How long a token may be redeemed after the phone made it (and how far ahead its clock may be: a minute). */
export const OFFLINE_TOKEN_SECONDS = 300;

export interface OfflineTokenClaims {
  /** device id */
  di: string;
  /** card id */
  c: string;
  /** the most this token may pay, in the card's currency's minor units */
  m: number;
  /** made at, Unix seconds */
  t: number;
  /** a random nonce: a token is taken once */
  n: string;
}

/** What the device signs for a token's claims. */
export const offlineTokenText = (encodedClaims: string): string => `${OFFLINE_TOKEN_HEADER}\n${encodedClaims}`;

/** The claims and the signed text of a token, or null when it is not one. Checking the signature is the server's. */
export function parseOfflineToken(token: string): { claims: OfflineTokenClaims; text: string; signature: string } | null {
  if (!token.startsWith(OFFLINE_TOKEN_PREFIX)) return null;
  const parts = token.slice(OFFLINE_TOKEN_PREFIX.length).split(".");
  if (parts.length !== 2 || parts[0].length > 600 || parts[1].length > 200) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(fromBase64url(parts[0]))) as OfflineTokenClaims;
    const wellFormed =
      typeof claims.di === "string" &&
      typeof claims.c === "string" &&
      Number.isSafeInteger(claims.m) &&
      claims.m > 0 &&
      Number.isSafeInteger(claims.t) &&
      typeof claims.n === "string" &&
      claims.n.length >= 16 &&
      claims.n.length <= 64;
    return wellFormed ? { claims, text: offlineTokenText(parts[0]), signature: parts[1] } : null;
  } catch {
    return null;
  }
}
