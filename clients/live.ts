import { createClient, type Client, type ExecutionResult } from "graphql-ws";
import WebSocket from "ws";
import { WalletApiError } from "./common";

/**
 * One subscription's events, queued as they arrive, so a caller can wait for the next
 * one (`next`) or check that nothing came (`nothingWithin`).
 */
export class LiveFeed<T> {
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

  close(): void {
    this.stop();
  }
}

/** A graphql-ws connection carrying one credential, for a client's subscriptions. */
export class LiveConnection {
  private client: Client | null = null;
  /** Set when the server closed the socket (e.g. 4403 for a bad credential). */
  closeCode: number | null = null;

  constructor(
    private readonly url: string,
    private readonly credential: () => string | null,
  ) {}

  private connect(): Client {
    const credential = this.credential();
    this.client ??= createClient({
      url: this.url.replace(/^http/, "ws").replace(/\/?$/, "").replace(/(\/graphql)?$/, "/graphql"),
      // A browser's own WebSocket where there is one (the web app, apps/web); `ws` in Node 20.
      webSocketImpl: (globalThis as { WebSocket?: unknown }).WebSocket ?? WebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: credential ? { authorization: `Bearer ${credential}` } : {},
      on: { closed: (event) => (this.closeCode = (event as { code?: number }).code ?? null) },
    });
    return this.client;
  }

  subscribe<T>(query: string, pick: (data: Record<string, unknown>) => T, variables?: Record<string, unknown>): LiveFeed<T> {
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    let unsubscribe = () => {};
    const feed = new LiveFeed<T>(() => unsubscribe(), ready);
    const client = this.connect();
    unsubscribe = client.subscribe<Record<string, unknown>>(
      { query, variables },
      {
        next: (result: ExecutionResult<Record<string, unknown>>) => {
          if (result.errors?.length) {
            const first = result.errors[0] as { message: string; extensions?: Record<string, unknown> };
            feed.fail(new WalletApiError(String(first.extensions?.code ?? "ERROR"), first.message, first.extensions ?? {}));
          } else if (result.data) feed.push(pick(result.data));
        },
        error: (error: unknown) => {
          started();
          feed.fail(toError(error));
        },
        complete: () => feed.end(),
      },
    );
    // graphql-ws never acknowledges a subscription. The server handles one socket's
    // messages in order, so when a query sent after it has answered, the subscription
    // is in place: that round trip is what `ready` waits for.
    client.subscribe({ query: "{ __typename }" }, { next: () => {}, error: () => started(), complete: () => started() });
    return feed;
  }

  async close(): Promise<void> {
    await this.client?.dispose();
    this.client = null;
  }
}

function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (Array.isArray(error) && error.length > 0) {
    const first = error[0] as { message: string; extensions?: Record<string, unknown> };
    return new WalletApiError(String(first.extensions?.code ?? "ERROR"), first.message, first.extensions ?? {});
  }
  const code = (error as { code?: number })?.code;
  return new Error(code ? `socket closed with ${code}` : String(error));
}
