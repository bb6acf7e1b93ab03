import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An SMS gateway on localhost, as SMS_GATEWAY_URL names one in production: it takes the
 * server's POSTs of `{"to", "text"}` and keeps them, so a test run against a spawned
 * server reads a sign-up code the way a phone would receive it, with no test-only route
 * in the server.
 */
export async function startSmsGateway() {
  const sent: Array<{ to: string; text: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      sent.push(JSON.parse(body) as { to: string; text: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    /** The six-digit code of the newest SMS to a number. */
    codeSentTo(to: string): string | null {
      const last = sent.filter((sms) => sms.to === to).at(-1);
      return last?.text.match(/\b(\d{6})\b/)?.[1] ?? null;
    },
    /** How many SMS went to a number. */
    countSentTo: (to: string): number => sent.filter((sms) => sms.to === to).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
