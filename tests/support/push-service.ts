import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decrypt } from "http_ece";

/** How the push service answers one subscription's pushes. */
export type PushBehaviour = "accept" | "gone" | "not-found" | "down" | "slow";

/** One push the service accepted: its VAPID claims, headers and the decrypted payload. */
export interface ReceivedPush {
  subscription: string;
  claims: { aud: string; exp: number; sub: string };
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  payload: Record<string, unknown> & { kind: string; id: string };
}

/** What a browser holds for one subscription: the keys the server encrypts to, and their private half. */
export interface TestSubscription {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  ecdh: ECDH;
  authSecret: Buffer;
}

/**
 * A push service on localhost, as a browser vendor runs one: a subscription is a URL
 * here and a key pair of "the browser". Each request must carry a valid VAPID signature
 * (RFC 8292: an ES256 JWT for this origin, by the key the server publishes) and an
 * aes128gcm body (RFC 8291), which it decrypts with the subscription's private key, as
 * the browser would. Requests failing either check are answered 401 or 400 and recorded
 * in `refused`. `onPush` hands each payload on before it is accepted (a browser test
 * delivers it to Chromium's service worker); when that fails, the answer is 503 and the
 * sender tries again.
 */
export async function startPushService(options: { vapidPublicKey: () => string | Promise<string> }) {
  const subscriptions = new Map<string, TestSubscription & { behaviour: PushBehaviour }>();
  const received: ReceivedPush[] = [];
  const refused: Array<{ subscription: string; why: string }> = [];
  const attempts: string[] = [];
  const listeners: Array<(push: ReceivedPush) => void | Promise<void>> = [];
  const slow = new Set<() => void>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const id = req.url?.replace(/^\/push\//, "") ?? "";
      attempts.push(id);
      const subscription = subscriptions.get(id);
      if (!subscription || subscription.behaviour === "not-found") return void res.writeHead(404).end();
      if (subscription.behaviour === "gone") return void res.writeHead(410).end();
      if (subscription.behaviour === "down") return void res.writeHead(503).end();
      if (subscription.behaviour === "slow") {
        // Answers when the test ends (or never, for the server's timeout).
        await new Promise<void>((resolve) => slow.add(resolve));
        return void res.writeHead(201).end();
      }
      try {
        const claims = await checkVapid(req, `http://127.0.0.1:${port}`, await options.vapidPublicKey());
        if (req.headers["content-encoding"] !== "aes128gcm") throw new Refusal(400, "not aes128gcm");
        const plain = decrypt(Buffer.concat(chunks), { version: "aes128gcm", privateKey: subscription.ecdh, authSecret: subscription.authSecret });
        const push: ReceivedPush = {
          subscription: id,
          claims,
          ttl: Number(req.headers.ttl),
          urgency: header(req, "urgency"),
          topic: header(req, "topic"),
          payload: JSON.parse(plain.toString("utf8")),
        };
        try {
          for (const listener of listeners) await listener(push);
        } catch (error) {
          // Not handed on (the browser was not reached): the sender is told to try again.
          throw new Refusal(503, `not delivered: ${(error as Error).message}`);
        }
        received.push(push);
        res.writeHead(201, { location: `/messages/${received.length}` }).end();
      } catch (error) {
        const status = error instanceof Refusal ? error.status : 400;
        refused.push({ subscription: id, why: (error as Error).message });
        res.writeHead(status).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    received,
    refused,
    /** Every request's subscription id, answered or not. */
    attempts,
    /** A browser's new subscription here: what the phone app registers with the server. */
    subscribe(behaviour: PushBehaviour = "accept"): TestSubscription {
      const id = randomBytes(12).toString("base64url");
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const subscription = { id, endpoint: `http://127.0.0.1:${port}/push/${id}`, p256dh: ecdh.getPublicKey().toString("base64url"), auth: authSecret.toString("base64url"), ecdh, authSecret };
      subscriptions.set(id, { ...subscription, behaviour });
      return subscription;
    },
    behave(id: string, behaviour: PushBehaviour): void {
      subscriptions.get(id)!.behaviour = behaviour;
    },
    onPush(listener: (push: ReceivedPush) => void | Promise<void>): void {
      listeners.push(listener);
    },
    /** Pushes accepted for one subscription. */
    to: (id: string) => received.filter((push) => push.subscription === id),
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of slow) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TestPushService = Awaited<ReturnType<typeof startPushService>>;

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const header = (req: IncomingMessage, name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined);

/**
 * RFC 8292: `Authorization: vapid t=<JWT>, k=<public key>`; the key must be the one the
 * server publishes, the JWT's ES256 signature must verify with it, its audience must be
 * this push service's origin and it must expire within 24 hours.
 */
async function checkVapid(req: IncomingMessage, origin: string, expectedKey: string): Promise<ReceivedPush["claims"]> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? "");
  if (!match) throw new Refusal(401, "no VAPID authorization");
  const [, jwt, key] = match;
  if (key !== expectedKey) throw new Refusal(401, "not the server's VAPID key");
  const [head, body, signature] = jwt.split(".");
  const raw = Buffer.from(key, "base64url");
  const publicKey = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
  if (header.alg !== "ES256") throw new Refusal(401, "not ES256");
  if (!verify("sha256", Buffer.from(`${head}.${body}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))) {
    throw new Refusal(401, "VAPID signature does not verify");
  }
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  const now = Date.now() / 1000;
  if (claims.aud !== origin) throw new Refusal(401, `audience ${claims.aud} is not ${origin}`);
  if (!(claims.exp > now && claims.exp <= now + 86_400)) throw new Refusal(401, "expiry not within 24 hours");
  if (typeof claims.sub !== "string" || !/^(mailto:|https:)/.test(claims.sub)) throw new Refusal(401, "no subject");
  return claims;
}
