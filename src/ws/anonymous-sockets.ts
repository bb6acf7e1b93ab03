import type { IncomingMessage } from "node:http";
import { Kind, type DocumentNode, type OperationDefinitionNode } from "graphql";
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
 * How long a socket that connected without a credential stays open. Only the public feed
 * (PUBLIC_FEEDS) needs anonymity for longer; every other feed belongs to a phone, a store
 * or a partner.
 */
export const ANONYMOUS_SOCKET_LIFETIME_MS = 5000;

/** Live feeds anyone may hold open without a credential: the books' signed heads carry nothing private. */
export const PUBLIC_FEEDS: ReadonlySet<string> = new Set(["booksSealed"]);

/** Sockets without a credential one address may keep open on one instance for the public feed. */
export const PUBLIC_FEED_SOCKETS_PER_ADDRESS = 4;

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
  lifetimes.set(socket, lifetime);
  socket.once("close", () => clearTimeout(lifetime));
}

const lifetimes = new WeakMap<WebSocket, NodeJS.Timeout>();
/** Sockets without a credential kept open for the public feed, by address (this instance's). */
const publicFeedSockets = new Map<string, number>();

/**
 * A socket without a credential subscribed to a public feed only: it stays open past its
 * lifetime, as long as its address holds no more than PUBLIC_FEED_SOCKETS_PER_ADDRESS such
 * sockets here (a few watchers per address, not an open door). False when over that.
 */
export function keepForPublicFeed(socket: WebSocket, address: string): boolean {
  const lifetime = lifetimes.get(socket);
  if (!lifetime) return true; // kept already (a second subscription on it)
  const held = publicFeedSockets.get(address) ?? 0;
  if (held >= PUBLIC_FEED_SOCKETS_PER_ADDRESS) return false;
  clearTimeout(lifetime);
  lifetimes.delete(socket);
  publicFeedSockets.set(address, held + 1);
  socket.once("close", () => {
    const left = (publicFeedSockets.get(address) ?? 1) - 1;
    if (left > 0) publicFeedSockets.set(address, left);
    else publicFeedSockets.delete(address);
  });
  return true;
}

/** Whether `document` subscribes to public feeds and nothing else. */
export function onlyPublicFeeds(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== "subscription") return false;
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && PUBLIC_FEEDS.has(s.name.value));
}
