/// <reference types="node" />
import { createClient, type Client, type ExecutionResult } from "graphql-ws";
import { WalletApiError, type ClientOptions, type KnownFields } from "./common";
import { textOf, type AnyDocument, type ResultOf } from "./graphql";

/**
 * One subscription's events, queued as they arrive. Read them with `for await` (leaving
 * the loop unsubscribes), or one at a time with `next(timeoutMs)`; `nothingWithin` checks
 * that nothing came.
 */
export class LiveFeed<T> implements AsyncIterable<T> {
  private readonly queue: T[] = [];
  private readonly waiters: Array<{ resolve: (value: T) => void; reject: (error: Error) => void }> = [];
  private failure: Error | null = null;
  private ended = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly stop: () => void,
    started: Promise<void>,
  ) {
    this.ready = started;
  }

  push(value: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(value);
    else this.queue.push(value);
  }

  /** The first failure is the one kept: graphql-ws may report the socket's close after an operation's own error. */
  fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error("the subscription ended"));
  }

  /** The next event, or a rejection after `timeoutMs` (or with the subscription's error). */
  next(timeoutMs = 5000): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new Error("the subscription ended"));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.findIndex((w) => w.resolve === done);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no event within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      this.waiters.push({
        resolve: done,
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** Resolves true when no event arrived within `ms`. */
  async nothingWithin(ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.queue.length === 0;
  }

  get error(): Error | null {
    return this.failure;
  }

  /** Unsubscribes; a `for await` loop over the feed then ends. */
  close(): void {
    this.stop();
    this.end();
  }

  /**
   * The events as an async iterator: it waits as long as it takes, survives reconnections,
   * ends when the subscription completes or is closed, and throws the subscription's error
   * (a credential that ended, a refused operation). `return()` (leaving a `for await`
   * loop) unsubscribes.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const take = async (): Promise<IteratorResult<T>> => {
      for (;;) {
        if (this.queue.length > 0) return { done: false, value: this.queue.shift()! };
        if (this.failure) throw this.failure;
        if (this.ended) return { done: true, value: undefined };
        // Rejected by fail() and end(): the loop then finds the failure or the end.
        const arrived = await new Promise<{ value: T } | null>((resolve) => {
          this.waiters.push({ resolve: (value) => resolve({ value }), reject: () => resolve(null) });
        });
        if (arrived) return { done: false, value: arrived.value };
      }
    };
    return {
      next: take,
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }
}

/** A feed ended because the server closed its socket for good (see isFinalClose), e.g. 4403: the credential ended. */
export class SocketClosedError extends Error {
  constructor(
    readonly closeCode: number,
    readonly reason: string,
  ) {
    super(`the server closed the socket with ${closeCode}${reason ? ` (${reason})` : ""}`);
    this.name = "SocketClosedError";
  }
}

/**
 * Close codes after which a feed ends instead of reconnecting: the server refused the
 * credential (4401, 4403: it ended or never held), the operation (4400), or one socket
 * more (4429). Anything else (the network dropped, the server restarted) is reconnected.
 */
export const isFinalClose = (event: unknown): boolean => {
  const code = (event as { code?: unknown } | null)?.code;
  return typeof code === "number" && code >= 4400 && code < 4499;
};

/** The wait before reconnection `retries` (0 first): doubling from `initial` up to `max`, each with jitter down to half. */
export function backoffDelay(retries: number, initialMs = 500, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(retries, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** The platform's WebSocket (browsers, React Native, Node 22+), else the `ws` package (Node 20). */
export function defaultWebSocket(): unknown {
  const own = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof own === "function") return own;
  // Loaded only where there is no WebSocket of the platform's, so bundles for browsers
  // and React Native never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("ws");
}

/**
 * A graphql-ws connection carrying one credential, for a client's subscriptions. It opens
 * with the first subscription and closes when none is left. When the socket drops for any
 * reason but a refused credential, it reconnects after a growing, jittered wait (see
 * ReconnectOptions) and subscribes every open feed again; events the server published
 * while it was away are not replayed (read them over HTTP after `onReconnected`).
 */
export class LiveConnection {
  private client: Client | null = null;
  private readonly feeds = new Set<LiveFeed<unknown>>();
  private readonly sleepers = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();
  /** The code of the socket's last close (e.g. 4403 for a credential that ended), null while it never closed. */
  closeCode: number | null = null;
  /** How many times the socket connected and was accepted (1 + the reconnections). */
  connections = 0;
  /** Hears the server close the socket because the credential it carried ended or was refused (4401, 4403). */
  onCredentialRefused: ((closeCode: number) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly credential: () => string | null,
    private readonly options: ClientOptions = {},
  ) {}

  private connect(): Client {
    const reconnect = this.options.reconnect ?? {};
    this.client ??= createClient({
      url: this.url.replace(/^http/, "ws").replace(/\/?$/, "").replace(/(\/graphql)?$/, "/graphql"),
      webSocketImpl: this.options.webSocket ?? defaultWebSocket(),
      lazy: true,
      retryAttempts: reconnect.attempts ?? Number.POSITIVE_INFINITY,
      retryWait: (retries) => this.sleep(backoffDelay(retries, reconnect.initialDelayMs, reconnect.maxDelayMs)),
      // graphql-ws itself never retries 4401 and some others; 4403 it would retry.
      // A network error (e.g. the server is not up yet) comes as an error, not a close: retried.
      shouldRetry: (event) => !isFinalClose(event),
      // Read at every connection, so a phone that logged in again reconnects as itself.
      connectionParams: () => {
        const credential = this.credential();
        return credential ? { authorization: `Bearer ${credential}` } : {};
      },
      on: {
        closed: (event) => {
          this.closeCode = (event as { code?: number }).code ?? null;
          if ((this.closeCode === 4401 || this.closeCode === 4403) && this.credential()) this.onCredentialRefused?.(this.closeCode);
        },
        connected: (_socket, _payload, wasRetry) => {
          this.connections++;
          if (wasRetry) for (const listener of this.reconnectListeners) listener();
        },
      },
    });
    return this.client;
  }

  /** A wait that `close()` cuts short, and that never keeps a Node process alive on its own. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      (timer as { unref?: () => void }).unref?.();
      this.sleepers.add(wake);
    });
  }

  /** Calls `listener` each time the socket is back after a drop, every feed subscribed again. */
  onReconnected(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Runs a typed operation (or any GraphQL text) on the socket; `pick` takes each result's data. */
  subscribe<D extends AnyDocument, T>(document: D & KnownFields<D>, pick: (data: ResultOf<D>) => T, variables?: Record<string, unknown>): LiveFeed<T>;
  subscribe<T>(query: string, pick: (data: Record<string, unknown>) => T, variables?: Record<string, unknown>): LiveFeed<T>;
  subscribe<T>(query: AnyDocument | string, pick: (data: never) => T, variables?: Record<string, unknown>): LiveFeed<T> {
    const client = this.connect();
    // The sink is called only once the socket is up, after `feed` below is made.
    let feed!: LiveFeed<T>;
    const forget = () => this.feeds.delete(feed as LiveFeed<unknown>);
    const unsubscribe = client.subscribe<Record<string, unknown>>(
      { query: textOf(query), variables },
      {
        next: (result: ExecutionResult<Record<string, unknown>>) => {
          if (result.errors?.length) {
            const first = result.errors[0] as { message: string; extensions?: Record<string, unknown> };
            feed.fail(new WalletApiError(String(first.extensions?.code ?? "ERROR"), first.message, first.extensions ?? {}));
          } else if (result.data) feed.push(pick(result.data as never));
        },
        error: (error: unknown) => {
          forget();
          feed.fail(toError(error));
        },
        complete: () => {
          forget();
          feed.end();
        },
      },
    );
    // Sent after the subscription, so its answer means the subscription is in place.
    feed = new LiveFeed<T>(unsubscribe, this.roundTrip());
    this.feeds.add(feed as LiveFeed<unknown>);
    return feed;
  }

  /**
   * Resolves once the server answered a query sent now on this socket. graphql-ws never
   * acknowledges a subscription, but the server handles one socket's messages in order,
   * so every subscription sent before is in place by then: a feed's `ready` is this.
   */
  roundTrip(): Promise<void> {
    const client = this.connect();
    return new Promise<void>((resolve) => {
      client.subscribe({ query: "{ __typename }" }, { next: () => {}, error: () => resolve(), complete: () => resolve() });
    });
  }

  /** Closes every feed and the socket, and stops any reconnection under way. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    for (const feed of [...this.feeds]) feed.close();
    this.feeds.clear();
    for (const wake of [...this.sleepers]) wake();
    // dispose waits for a connection under way, which may be refused: nothing is left to tell.
    if (client) await Promise.resolve(client.dispose()).catch(() => undefined);
  }
}

function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (Array.isArray(error) && error.length > 0) {
    const first = error[0] as { message: string; extensions?: Record<string, unknown> };
    return new WalletApiError(String(first.extensions?.code ?? "ERROR"), first.message, first.extensions ?? {});
  }
  const code = (error as { code?: number })?.code;
  if (code) return new SocketClosedError(code, String((error as { reason?: unknown }).reason ?? ""));
  const message = (error as { message?: unknown })?.message;
  return new Error(typeof message === "string" && message ? message : "the socket failed");
}
