import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/** What the proxy does to the one statement text it is armed for. */
export type Loss =
  /** The text reaches the server and runs; its answer is dropped and the connection cut. */
  | "answer"
  /** The connection is cut before the text reaches the server. */
  | "text"
  /**
   * The client's connection is cut at once, and the text reaches the server a moment
   * later (LATE_MS), runs and commits there: a failed Galera node's last writeset, which
   * the other nodes may apply after a client's read there found nothing.
   */
  | "late";

/** How long a "late" text waits before it reaches the server. */
const LATE_MS = 400;

/**
 * A TCP proxy in front of a MySQL server that, once armed, loses one exchange: the
 * first statement text the client sends that `matches`, or its answer. What a client sees
 * when the database node fails at that moment, made exact.
 */
export async function answerLosingProxy(target: { host: string; port: number }) {
  let trap: { matches: (text: string) => boolean; loss: Loss } | null = null;
  let sprung = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    let late = false;
    client.on("close", () => {
      if (!late) upstream.destroy();
    });
    upstream.on("close", () => client.destroy());
    let answerLost = false;
    client.on("data", (chunk) => {
      const armed = trap;
      if (armed && armed.matches(chunk.toString("latin1"))) {
        trap = null;
        sprung++;
        if (armed.loss === "text") return cut();
        if (armed.loss === "late") {
          late = true;
          client.destroy();
          setTimeout(() => {
            upstream.write(chunk);
            upstream.once("data", () => upstream.destroy());
          }, LATE_MS);
          return;
        }
        answerLost = true;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!answerLost) {
        client.write(chunk);
        return;
      }
      // The server has begun answering: the rest of the text (a COMMIT) runs meanwhile,
      // then the connection is cut with no answer given.
      answerLost = false;
      upstream.pause();
      setTimeout(cut, 200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Arms the proxy for the next statement text that `matches`. */
    arm(matches: (text: string) => boolean, loss: Loss): void {
      trap = { matches, loss };
    },
    /** How many times an armed loss happened. */
    get sprung(): number {
      return sprung;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
