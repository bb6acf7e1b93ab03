import { Agent, request } from "node:http";

/**
 * A fetch for the load generator: node:http over a keep-alive agent, answering with a
 * standard Response. The platform fetch (undici) costs the bench process about twice the
 * CPU per request, and the bench shares the machine's cores with the server and MySQL:
 * a heavy load generator would take CPU from what it measures. Plain http:// only.
 */
export function keepAliveFetch(maxSockets = 256): typeof fetch {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers) : (init.headers as Record<string, string> | undefined);
      const req = request(String(input), { method: init.method ?? "GET", headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") responseHeaders.set(name, value);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: responseHeaders }));
        });
      });
      req.on("error", reject);
      req.end(init.body as string | undefined);
    });
}
