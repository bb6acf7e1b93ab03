import type { IncomingMessage } from "node:http";
import { CloseCode } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { addressOf } from "../http/request-listener";
import { ErrorCode, WalletError } from "../services/kernel/errors";
import type { RateLimits } from "../services/kernel/rate-limits";
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
 * Counts every socket per client address and minute as one without a credential
 * (`anonymousSocketPerAddress`) the moment it connects, before it has said anything: one
 * over the limit is closed at once with 4429, so an address cannot hold many silent
 * sockets open. A socket that then presents a valid credential is given its place back
 * (`credentialPresented`), so only sockets that never prove who they are count.
 */
export function countSocketsWithoutCredential(wsServer: WebSocketServer, config: Config, rateLimits: RateLimits, logger: Logger): void {
  wsServer.on("connection", (socket, request) => {
    const address = socketAddress(request, config);
    counted.set(socket, address);
    rateLimits.consume("anonymousSocketPerAddress", address).catch((error: unknown) => {
      counted.delete(socket);
      if (error instanceof WalletError && error.code === ErrorCode.RATE_LIMITED) {
        socket.close(TOO_MANY_SOCKETS, "Too many sockets without a credential from this address");
      } else {
        // Left open: the socket still has to authenticate, and lives a few seconds without.
        logger.warn({ err: (error as Error)?.message ?? String(error) }, "could not count a socket");
      }
    });
  });
}

/** The socket proved a credential: its address gets the place it took back. */
export function credentialPresented(socket: WebSocket, rateLimits: RateLimits): Promise<void> {
  const address = counted.get(socket);
  if (address === undefined) return Promise.resolve();
  counted.delete(socket);
  // A refund that fails only leaves the address one socket closer to its limit this minute.
  return rateLimits.refund("anonymousSocketPerAddress", address).catch(() => undefined);
}

/** Sockets counted at connection, by the address they were counted against. */
const counted = new WeakMap<WebSocket, string>();

/**
 * A socket that sent connection_init without a credential is closed with 4401
 * (graphql-ws's Unauthorized, which its client does not retry) once its lifetime is up.
 */
export function limitAnonymousLifetime(socket: WebSocket): void {
  const lifetime = setTimeout(
    () => socket.close(CloseCode.Unauthorized, "A socket without a credential closes after a few seconds"),
    ANONYMOUS_SOCKET_LIFETIME_MS,
  );
  lifetime.unref();
  socket.once("close", () => clearTimeout(lifetime));
}
