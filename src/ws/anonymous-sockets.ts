import type { IncomingMessage } from "node:http";
import { CloseCode } from "graphql-ws";
import type { WebSocket } from "ws";
import type { Config } from "../config";
import { addressOf } from "../http/request-listener";
import { ErrorCode, WalletError } from "../services/errors";
import type { RateLimits } from "../services/rate-limits";
import { TOO_MANY_SOCKETS } from "./close-codes";

/** How long a socket may stay open before it sends connection_init (then graphql-ws closes it, 4408). */
export const CONNECTION_INIT_WAIT_MS = 3000;

/**
 * How long a socket that connected without a credential stays open. Nothing on a socket
 * needs anonymity for longer: the live feeds all belong to a phone, a store or a partner.
 */
export const ANONYMOUS_SOCKET_LIFETIME_MS = 5000;

/** The client address of a socket's upgrade request, by the same rule as over HTTP. */
export function socketAddress(request: IncomingMessage, config: Config): string {
  return addressOf(request, config.trustProxy);
}

/**
 * Admits a socket that sent connection_init without a credential: counted per client
 * address and minute (over the limit it is closed with 4429), and closed with 4401
 * (graphql-ws's Unauthorized, which its client does not retry) once its lifetime is up.
 * Resolves to false when the socket was refused.
 */
export async function admitAnonymousSocket(socket: WebSocket, address: string, rateLimits: RateLimits): Promise<boolean> {
  try {
    await rateLimits.consume("anonymousSocketPerAddress", address);
  } catch (error) {
    if (!(error instanceof WalletError && error.code === ErrorCode.RATE_LIMITED)) throw error;
    socket.close(TOO_MANY_SOCKETS, "Too many sockets without a credential from this address");
    return false;
  }
  const lifetime = setTimeout(
    () => socket.close(CloseCode.Unauthorized, "A socket without a credential closes after a few seconds"),
    ANONYMOUS_SOCKET_LIFETIME_MS,
  );
  lifetime.unref();
  socket.once("close", () => clearTimeout(lifetime));
  return true;
}
