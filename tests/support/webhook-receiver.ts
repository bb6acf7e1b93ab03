import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A partner's webhook endpoint on localhost. It answers 503 ("down") until `up()` is
 * called, and records every request it is sent, answered or not.
 */
export async function startWebhookReceiver() {
  const attempts: ReceivedWebhook[] = [];
  const delivered: ReceivedWebhook[] = [];
  let isUp = false;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const hook = { headers: req.headers, body };
      attempts.push(hook);
      if (!isUp) {
        res.writeHead(503).end("down for maintenance");
        return;
      }
      delivered.push(hook);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/wallet`,
    attempts,
    delivered,
    up: () => (isUp = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
