import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ReceivedWebhook } from "./webhook-receiver";

/**
 * A partner's webhook endpoint that is slow on command: while holding, it reads each
 * request and answers nothing until `release()` (then 204 to all it holds, and at once
 * from then on). `holdNext(n)` holds only the next n requests. It counts what it saw:
 * every request, those answered, those held now (and the most at once), and those the
 * sender gave up on before an answer.
 */
export async function startHoldingReceiver(options: { holding?: boolean } = {}) {
  let holding = options.holding ?? true;
  let holdCount = Number.POSITIVE_INFINITY;
  const received: ReceivedWebhook[] = [];
  const answered: ReceivedWebhook[] = [];
  const held = new Set<{ hook: ReceivedWebhook; res: ServerResponse }>();
  const stats = { maxHeld: 0, abandoned: 0 };

  const answer = (hook: ReceivedWebhook, res: ServerResponse) => {
    answered.push(hook);
    res.writeHead(204).end();
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const hook = { headers: req.headers, body };
      received.push(hook);
      if (!holding || holdCount <= 0) return answer(hook, res);
      holdCount--;
      const entry = { hook, res };
      held.add(entry);
      stats.maxHeld = Math.max(stats.maxHeld, held.size);
      res.on("close", () => {
        // The sender closed the connection before an answer (its timeout).
        if (held.delete(entry)) stats.abandoned++;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/wallet`,
    received,
    answered,
    stats,
    get holding() {
      return held.size;
    },
    /** Holds the next `n` requests only (the ones after answer at once). */
    holdNext(n: number) {
      holding = true;
      holdCount = n;
    },
    /** Answers every held request, and every later one at once. */
    release() {
      holding = false;
      for (const entry of [...held]) {
        held.delete(entry);
        answer(entry.hook, entry.res);
      }
    },
    close() {
      this.release();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type HoldingReceiver = Awaited<ReturnType<typeof startHoldingReceiver>>;
