import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { networkInterfaces } from "node:os";
import ipaddr from "ipaddr.js";

/**
 * Where a URL given by a caller (a partner's or a store's webhook) may point: a public
 * unicast address, never loopback, private, carrier-grade NAT, link-local, unique-local,
 * multicast, broadcast, reserved or unspecified, nor one of this host's own addresses
 * (its own /graphql). The ranges are ipaddr.js's; an IPv4-mapped IPv6 address is judged
 * as the IPv4 address it carries. The URL is checked when it is given
 * (`webhookUrlProblem`) and every address its name resolves to is checked again when a
 * request connects (`publicOnlyLookup`), so a name that resolves, or later resolves, to
 * 127.0.0.1 reaches nothing. WEBHOOK_ALLOW_PRIVATE_TARGETS (development and tests only;
 * production refuses it, config.ts) lifts the rule.
 */
export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === "unicast" && !ownAddresses().has(parsed.toString());
}

/** Names that always mean this host (RFC 6761), refused without asking DNS. */
const LOCAL_NAME = /(^|\.)localhost\.?$/i;

const NOT_HTTP = "webhookUrl must be an http(s) URL";
const NOT_PUBLIC = "webhookUrl must reach a public address (not loopback, private, link-local, unique-local, multicast or unspecified)";

/** Why a caller's webhook URL is refused, or null when it may be kept. A name is checked again once resolved, at connect time. */
export function webhookUrlProblem(value: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return NOT_HTTP;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return NOT_HTTP;
  if (allowPrivate) return null;
  const host = hostOf(url);
  if (isIP(host) !== 0) return isPublicAddress(host) ? null : NOT_PUBLIC;
  return LOCAL_NAME.test(host) ? NOT_PUBLIC : null;
}

/** The URL's host as an address or a name: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** A connection refused because the target's address is not public. */
export class NotPublicAddressError extends Error {
  constructor() {
    super("the target's address is not public");
    this.name = "NotPublicAddressError";
  }
}

/**
 * A `lookup` for node:http/https that resolves as usual and fails with
 * NotPublicAddressError when any address of the name is not public, so the socket
 * never connects there. (A literal address is not looked up: check it with
 * `isPublicAddress` before the request.)
 */
export const publicOnlyLookup = ((hostname: string, options: LookupAllOptions | { all?: boolean }, callback: (...args: unknown[]) => void) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error);
    if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) return callback(new NotPublicAddressError());
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}) as unknown as LookupFunction;

/** This host's interface addresses, read each time: interfaces come and go. */
function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (ipaddr.isValid(entry.address)) own.add(ipaddr.process(entry.address).toString());
  }
  return own;
}
