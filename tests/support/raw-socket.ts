import WebSocket from "ws";

/** What one operation on a raw socket got back: its next payloads, or its error payload. */
export type OperationAnswer = { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };

/**
 * A graphql-transport-ws socket spoken by hand, for what a well-behaved client never
 * does: no connection_init, an oversized message, a document that does not parse. Every
 * message is kept, so a test can wait for the one it expects.
 */
export class RawSocket {
  readonly socket: WebSocket;
  /** Resolves once the server answered connection_init (never, if it closed first). */
  readonly acked: Promise<void>;
  /** The close code and reason, and when the socket closed. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  readonly openedAt = Date.now();
  private readonly answers = new Map<string, (answer: OperationAnswer) => void>();
  private nextId = 1;

  /** Opens the socket; sends connection_init (with the bearer `token`, if any) unless `init` is false. */
  constructor(baseUrl: string, options: { token?: string; init?: boolean } = {}) {
    this.socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    this.socket.on("error", () => undefined);
    this.closed = new Promise((resolve) =>
      this.socket.on("close", (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
    );
    this.acked = new Promise((resolve) => {
      this.socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: unknown };
        if (message.type === "connection_ack") resolve();
        if (message.type === "next") this.answers.get(message.id!)?.(message.payload as OperationAnswer);
        if (message.type === "error") this.answers.get(message.id!)?.({ errors: message.payload as OperationAnswer["errors"] });
      });
    });
    if (options.init !== false) {
      const payload = options.token ? { authorization: `Bearer ${options.token}` } : {};
      this.socket.on("open", () => this.socket.send(JSON.stringify({ type: "connection_init", payload })));
    }
  }

  /** Sends one operation and resolves with its first answer (or rejects if the socket closes first). */
  run(query: string, variables?: Record<string, unknown>): Promise<OperationAnswer> {
    const id = String(this.nextId++);
    const answer = new Promise<OperationAnswer>((resolve, reject) => {
      this.answers.set(id, resolve);
      void this.closed.then(({ code }) => reject(new Error(`socket closed with ${code} before answering`)));
    });
    this.socket.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
    return answer;
  }

  /** Sends a text message as it is. */
  send(text: string): void {
    this.socket.send(text);
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.socket.close();
  }
}
