import { Agent, request } from "node:http";

/**
 * A fetch for the load generator: node:http over a keep-alive agent. The platform fetch
 * (undici) costs the bench process about twice the CPU per request, and the bench
 * shares the machine's cores with the server and MySQL: a heavy load generator takes
 * CPU from what it measures. It answers with just the part of a Response that
 * graphql-request reads (ok, status, headers.get, text). Plain http:// only.
 */
export function keepAliveFetch(maxSockets = 256): typeof fetch {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return ((input: string | URL, init: RequestInit = {}) =>
    new Promise((resolve, reject) => {
      const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers) : (init.headers as Record<string, string> | undefined);
      const req = request(String(input), { method: init.method ?? "GET", headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString("utf8");
          resolve({
            ok: status >= 200 && status < 300,
            status,
            headers: { get: (name: string) => headerValue(res.headers[name.toLowerCase()]) },
            text: async () => body,
            json: async () => JSON.parse(body),
          });
        });
      });
      req.on("error", reject);
      req.end(init.body as string | undefined);
    })) as unknown as typeof fetch;
}

const headerValue = (value: string | string[] | undefined): string | null => (value === undefined ? null : Array.isArray(value) ? value.join(", ") : value);
