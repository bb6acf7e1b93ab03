import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { NotPublicAddressError, hostOf, isPublicAddress, publicOnlyLookup } from "./outbound-address";

/**
 * One webhook POST (or another POST to a caller-given URL: a Web Push, `receiver` naming it) through node:http/https, which lets the connection's address be
 * checked after DNS resolution (outbound-address.ts; the platform's fetch takes no
 * lookup of ours). Resolves to the answer's status once its body is read; redirects are
 * not followed. A failure is told in the few words below, whatever the cause: a closed
 * port, a reset, a TLS failure and an answer in another protocol (a database's port,
 * say) all read "webhook receiver not reached", so stored and shown errors never tell
 * what listens at an address. The abort of `signal` (the outbox's timeout) passes
 * through as it is.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  signal: AbortSignal,
  allowPrivate: boolean,
  receiver = "webhook receiver",
): Promise<number> {
  const target = new URL(url);
  const literal = hostOf(target);
  // A literal address is never looked up, so the lookup below would not see it.
  if (!allowPrivate && isIP(literal) !== 0 && !isPublicAddress(literal)) return Promise.reject(notPublic(receiver));
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const fail = (error: unknown) => reject(signal.aborted ? error : error instanceof NotPublicAddressError ? notPublic(receiver) : new Error(`${receiver} not reached`));
    const request = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        signal,
        // A connection of its own each time: no pooled socket outlives the address check.
        agent: false,
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        response.on("error", fail);
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    request.on("error", fail);
    request.end(body);
  });
}

function notPublic(receiver: string): Error {
  return new Error(`${receiver}'s address is not public`);
}
