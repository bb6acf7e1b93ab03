import proxyAddr from "proxy-addr";

/**
 * Whether the hop `hop` steps back from this server (0 = the socket's peer, 1 = the
 * rightmost X-Forwarded-For entry, ...) is a proxy of ours. proxy-addr walks the hops
 * from the nearest and takes the first one not trusted as the client's address, so an
 * entry the client wrote itself (the leftmost) is used only when every proxy in between
 * is trusted and vouches for it.
 */
export type TrustProxy = (address: string, hop: number) => boolean;

const FORMS =
  "set false (no proxy), the number of proxies in front (1 for one load balancer), " +
  "or a comma-separated list of their addresses or subnets (10.0.0.0/8, loopback, linklocal, uniquelocal)";

/**
 * TRUST_PROXY, compiled once at start. `true` is refused: it would trust every hop, so the
 * address would be the leftmost X-Forwarded-For entry, which the client writes itself.
 * Throws an Error whose message says what is wrong and what to set.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (/^true$/i.test(text)) {
    throw new Error(`true would trust whatever the client writes in X-Forwarded-For; ${FORMS}`);
  }
  if (/^false$/i.test(text) || /^0+$/.test(text)) return () => false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  const entries = text.split(",").map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error(`empty; ${FORMS}`);
  try {
    return proxyAddr.compile(entries);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; ${FORMS}`);
  }
}
