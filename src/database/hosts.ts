import { connect, type Socket } from "node:net";

/** Socket errors that mean the node is not there to connect to. */
const CONNECT_FAILURES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ETIMEDOUT"]);

export interface HostAddress {
  host: string;
  port: number;
}

/**
 * The database nodes one pool may connect to: DATABASE_URL's first, then each of
 * DATABASE_REPLICA_URLS (other nodes of the same Galera cluster, every one of them
 * writable, with the same user and database). New connections go to the node in use;
 * when it fails (`failed`), the next one in the list becomes the node in use, and the
 * pool's idle connections to the failed one are closed, so every connection made from
 * then on goes to the next node. Once the first node is back and Synced (`Db` asks it
 * every few seconds while another is in use), it is the node in use again
 * (`backToFirst`): an operator places each instance beside its own node, and the
 * cluster's load stays spread as placed.
 *
 * It works through mysql2's `stream` option, a function that opens each connection's
 * socket (typeorm-internals.ts, 4), so the pool, the driver and every query stay as they
 * are with one host.
 */
export class DatabaseHosts {
  #inUse = 0;
  readonly #hostOf = new WeakMap<Socket, number>();
  /** Told when a node is given up (Db logs it). */
  onGiveUp: (failed: HostAddress, next: HostAddress, reason: string) => void = () => undefined;
  /** Told when the first node is the one in use again (Db logs it). */
  onBack: (first: HostAddress) => void = () => undefined;

  constructor(readonly addresses: readonly HostAddress[]) {
    if (addresses.length === 0) throw new Error("at least one database host");
  }

  /** From mysql:// URLs, the first being the one to use first. */
  static fromUrls(urls: readonly string[]): DatabaseHosts {
    return new DatabaseHosts(
      urls.map((url) => {
        const parsed = new URL(url);
        return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : 3306 };
      }),
    );
  }

  get several(): boolean {
    return this.addresses.length > 1;
  }

  /** The node new connections go to. */
  get inUse(): HostAddress {
    return this.addresses[this.#inUse];
  }

  /** Whether the first node (DATABASE_URL's) is the one in use. */
  get onFirst(): boolean {
    return this.#inUse === 0;
  }

  /** The first node is back and can serve: new connections go to it again. */
  backToFirst(): void {
    if (this.#inUse === 0) return;
    this.#inUse = 0;
    this.onBack(this.addresses[0]);
  }

  /** mysql2's `stream` option: opens a connection's socket to the node in use. */
  readonly connect = (): Socket => {
    const index = this.#inUse;
    const { host, port } = this.addresses[index];
    const socket = connect(port, host);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    this.#hostOf.set(socket, index);
    // A node that refuses connections is given up here: the pool's error names no socket.
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code && CONNECT_FAILURES.has(error.code)) this.failed(socket, error.code);
    });
    return socket;
  };

  /** Whether a connection's socket goes to the node in use (false for a socket not opened here). */
  isInUse(socket: Socket | undefined): boolean {
    return socket !== undefined && this.#hostOf.get(socket) === this.#inUse;
  }

  /**
   * The node `socket` went to failed: if it is still the node in use, the next one is from
   * now on. Returns the node now in use, or null when nothing changed.
   */
  failed(socket: Socket | undefined, reason: string): HostAddress | null {
    const index = socket ? this.#hostOf.get(socket) : undefined;
    if (index === undefined || index !== this.#inUse || !this.several) return null;
    this.#inUse = (index + 1) % this.addresses.length;
    this.onGiveUp(this.addresses[index], this.inUse, reason);
    return this.inUse;
  }
}
