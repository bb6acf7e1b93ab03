import type { IncomingMessage } from "node:http";
import { safeEqual } from "../services/crypto/tokens";

/** Whether a request may read /metrics: yes, or the status that refuses it. */
export type MetricsAccess = (req: IncomingMessage) => "allowed" | 401 | 403;

/**
 * Who reads /metrics, on the server's own port (see docs/operations.md for why not a
 * port of its own):
 *   - METRICS_TOKEN set: a request presenting it as a bearer token (compared in
 *     constant time: both sides hashed to 32 bytes first, so not even the length
 *     leaks); none is 401, another is 403;
 *   - unset, outside production: a developer on this host (the socket's peer is a
 *     loopback address; X-Forwarded-For is not consulted, since anyone can write it);
 *   - unset in production: nobody.
 */
export function metricsAccess(options: { token?: string; production: boolean }): MetricsAccess {
  const { token, production } = options;
  if (token !== undefined) {
    return (req) => {
      const header = req.headers.authorization;
      if (!header) return 401;
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      return presented !== undefined && safeEqual(presented, token) ? "allowed" : 403;
    };
  }
  if (production) return () => 403;
  return (req) => (isLoopback(req.socket.remoteAddress) ? "allowed" : 403);
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
