import { connect, type Socket } from "node:net";

/**
 * A fetch for the load generator: HTTP/1.1 keep-alive straight on TCP sockets, one
 * request at a time per socket, answers framed by Content-Length (what the server sends).
 * The load generator shares the machine's two cores with the server and MySQL, so every
 * microsecond it spends is taken from what it measures: the platform fetch (undici) cost
 * about 0.7 ms of CPU per request here, node:http with a keep-alive agent about 0.3 ms
 * (its request and response objects, streams and header handling), this one write and a
 * small parse per request. It answers with just the part of a Response that
 * graphql-request reads (ok, status, headers.get, text, json). Plain http:// only.
 */
export function keepAliveFetch(maxSockets = 256): typeof fetch {
  const pools = new Map<string, ConnectionPool>();
  return (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    if (url.protocol !== "http:") throw new Error(`keepAliveFetch speaks plain http only, not ${url.protocol}`);
    let pool = pools.get(url.host);
    if (!pool) pools.set(url.host, (pool = new ConnectionPool(url.hostname, Number(url.port || 80), maxSockets)));
    const body = init.body === undefined || init.body === null ? "" : String(init.body);
    const head = requestHead(init.method ?? "GET", url, init.headers, Buffer.byteLength(body));
    return pool.send(head + body);
  }) as unknown as typeof fetch;
}

function requestHead(method: string, url: URL, given: RequestInit["headers"], length: number): string {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  const headers = given instanceof Headers ? [...given.entries()] : Array.isArray(given) ? given : Object.entries(given ?? {});
  for (const [name, value] of headers) {
    if (/[\r\n]/.test(name + value)) throw new Error("header with a line break");
    head += `${name}: ${value}\r\n`;
  }
  return method === "GET" && length === 0 ? `${head}\r\n` : `${head}content-length: ${length}\r\n\r\n`;
}

interface Answer {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** Below the server's keep-alive timeout (Node's default, 5 s), as HTTP clients keep it. */
const IDLE_REUSE_MS = 4_000;

class ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: Array<(connection: Connection) => void> = [];
  private open = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
  ) {}

  async send(request: string): Promise<Answer> {
    const connection = await this.take();
    try {
      return await connection.exchange(request);
    } finally {
      this.give(connection);
    }
  }

  private take(): Promise<Connection> {
    // A socket the server closed while it sat idle is dropped, and so is one idle for
    // nearly the server's keep-alive timeout (Node's 5 s): the server may be closing it
    // just as a request is written, which would fail that request.
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) {
      if (!idle.closed && Date.now() - idle.idleSince < IDLE_REUSE_MS) return Promise.resolve(idle);
      if (!idle.closed) idle.close();
      this.open--;
    }
    if (this.open < this.maxSockets) {
      return Promise.resolve(this.openConnection());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private openConnection(): Connection {
    this.open++;
    return new Connection(connect(this.port, this.host).setNoDelay(true));
  }

  private give(connection: Connection): void {
    if (connection.closed) {
      this.open--;
      if (this.waiting.length > 0) this.waiting.shift()!(this.openConnection());
      return;
    }
    const next = this.waiting.shift();
    if (next) next(connection);
    else {
      connection.idleSince = Date.now();
      this.idle.push(connection);
    }
  }
}

class Connection {
  closed = false;
  idleSince = 0;
  private received: Buffer | null = null;
  private pending: { resolve(answer: Answer): void; reject(error: Error): void } | null = null;

  constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  exchange(request: string): Promise<Answer> {
    if (this.closed) return Promise.reject(new Error("connection closed"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    this.received = this.received ? Buffer.concat([this.received, chunk]) : chunk;
    const headEnd = this.received.indexOf("\r\n\r\n");
    if (headEnd === -1 || !this.pending) return;
    const head = this.received.toString("latin1", 0, headEnd);
    const lines = head.split("\r\n");
    const status = Number(lines[0].split(" ", 2)[1]);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = headers.get("content-length");
    if (length === undefined) {
      this.fail(new Error("an answer without content-length (keepAliveFetch reads no other framing)"));
      this.socket.destroy();
      return;
    }
    const end = headEnd + 4 + Number(length);
    if (this.received.length < end) return;
    const text = this.received.toString("utf8", headEnd + 4, end);
    this.received = this.received.length > end ? this.received.subarray(end) : null;
    const { resolve } = this.pending;
    this.pending = null;
    if (headers.get("connection")?.toLowerCase() === "close") {
      this.closed = true;
      this.socket.end();
    }
    resolve({
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      text: async () => text,
      json: async () => JSON.parse(text),
    });
  }

  private fail(error: Error): void {
    this.closed = true;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}
