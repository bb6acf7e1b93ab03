import { isIP } from "node:net";
import { hostOf, isPublicAddress } from "../delivery/outbound-address";

/** Names that always mean this host (RFC 6761), refused without asking DNS. */
const LOCAL_NAME = /(^|\.)localhost\.?$/i;

/**
 * Why a phone's push endpoint is refused, or null when it may be kept. An endpoint is a
 * caller-given URL like a webhook's: https to a public address (checked again after DNS
 * resolution when each push connects, delivery/webhook-post.ts). `allowPrivate`
 * (WEBHOOK_ALLOW_PRIVATE_TARGETS: development and tests) also lets http and loopback in,
 * for a push service on the test machine.
 */
export function pushEndpointProblem(value: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "endpoint must be an https URL";
  }
  if (url.username || url.password) return "endpoint must carry no user name or password";
  if (allowPrivate) return url.protocol === "https:" || url.protocol === "http:" ? null : "endpoint must be an https URL";
  if (url.protocol !== "https:") return "endpoint must be an https URL";
  const host = hostOf(url);
  const local = isIP(host) !== 0 ? !isPublicAddress(host) : LOCAL_NAME.test(host);
  return local ? "endpoint must reach a public address" : null;
}

/** The browser's keys of a subscription: a P-256 public key (65 bytes, uncompressed) and a 16-byte secret, base64url. */
export function pushKeysProblem(p256dh: string, auth: string): string | null {
  const base64url = /^[A-Za-z0-9_-]+={0,2}$/;
  if (!base64url.test(p256dh) || Buffer.from(p256dh, "base64url").length !== 65 || Buffer.from(p256dh, "base64url")[0] !== 4) {
    return "p256dh must be an uncompressed P-256 public key, base64url";
  }
  if (!base64url.test(auth) || Buffer.from(auth, "base64url").length !== 16) return "auth must be 16 bytes, base64url";
  return null;
}
