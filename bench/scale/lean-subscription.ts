import WebSocket from "ws";

/**
 * One subscription on its own socket, speaking graphql-transport-ws by hand: a
 * connection_init with the credential, one subscribe, and a count of what arrives. The
 * bench holds ten thousand of these beside the server on two cores, so each is a bare
 * `ws` socket with no client library behind it (graphql-ws's client keeps timers,
 * retries and a queue per socket, which the idle phones do not need). The server's side
 * is what is measured, and that is the same for either client.
 */
export class LeanSubscription {
  received = 0;
  private readonly socket: WebSocket;
  readonly ready: Promise<void>;

  constructor(url: string, credential: string, query: string, variables: Record<string, unknown> = {}) {
    this.socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { perMessageDeflate: false });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("open", () => this.socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${credential}` } })));
      this.socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { type: string };
        if (message.type === "connection_ack") {
          this.socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
          // The server handles a socket's messages in order: once a query sent after the
          // subscription completes, the subscription is in place (as clients/live.ts does).
          this.socket.send(JSON.stringify({ id: "2", type: "subscribe", payload: { query: "{ __typename }" } }));
        } else if (message.type === "complete" && (message as { id?: string }).id === "2") resolve();
        else if (message.type === "next" && (message as { id?: string }).id === "1") this.received++;
        else if (message.type === "error") reject(new Error(`subscription refused: ${JSON.stringify(message)}`));
        else if (message.type === "ping") this.socket.send(JSON.stringify({ type: "pong" }));
      });
      this.socket.once("error", reject);
      this.socket.once("close", (code) => reject(new Error(`socket closed (${code}) before the subscription was ready`)));
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close(1000);
    });
  }
}
