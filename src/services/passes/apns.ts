import { connect, constants, type ClientHttp2Session } from "node:http2";
import { isIP } from "node:net";
import { hostOf, isPublicAddress, publicOnlyLookup } from "../delivery/outbound-address";
import type { ApplePassCredentials } from "./pass-credentials";

/** What APNs said to one push: sent, or the device's token is no longer good (its registrations go). */
export type ApnsAnswer = "SENT" | "UNREGISTERED";

/** APNs reasons that say the token will never work again, as 410 does. */
const DEAD_TOKEN_REASONS = new Set(["BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"]);

export interface ApnsOptions {
  /** https://api.push.apple.com, or a stand-in (tests). */
  origin: string;
  /** The pass type identifier: the push's topic. */
  topic: string;
  credentials: ApplePassCredentials;
  /** An extra authority to trust (a stand-in's), development and tests only. */
  ca?: string;
  allowPrivate: boolean;
}

/**
 * Wallet's update notice: an HTTP/2 POST to /3/device/<push token> with the pass type
 * identifier as apns-topic and an empty JSON body, over TLS authenticated by the pass
 * type certificate (Wallet's pushes take no APNs token key). One session is kept and
 * reused; a session that failed is dropped and made anew. 410, and a 400 saying the
 * token is bad, answer UNREGISTERED; any other failure throws, so the outbox retries it.
 * Errors name the status and APNs' reason, never the push token.
 */
export class ApnsClient {
  private session: ClientHttp2Session | null = null;

  constructor(private readonly options: ApnsOptions) {}

  async push(pushToken: string, signal: AbortSignal): Promise<ApnsAnswer> {
    if (!/^[0-9a-fA-F]{16,200}$/.test(pushToken)) return "UNREGISTERED";
    const session = this.connected();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = session.request(
        {
          [constants.HTTP2_HEADER_METHOD]: "POST",
          [constants.HTTP2_HEADER_PATH]: `/3/device/${pushToken}`,
          "apns-topic": this.options.topic,
          "apns-push-type": "background",
          "apns-priority": "5",
          "content-type": "application/json",
        },
        { signal },
      );
      let status = 0;
      let body = "";
      request.setEncoding("utf8");
      request.on("response", (headers) => (status = Number(headers[constants.HTTP2_HEADER_STATUS])));
      request.on("data", (chunk: string) => (body += chunk.slice(0, 1000)));
      request.on("end", () => resolve({ status, body }));
      request.on("error", (error) => {
        if (!signal.aborted) this.drop(session);
        reject(signal.aborted ? error : new Error("APNs not reached"));
      });
      request.end("{}");
    });
    if (status === 200) return "SENT";
    const reason = reasonOf(body);
    if (status === 410 || (status === 400 && DEAD_TOKEN_REASONS.has(reason))) return "UNREGISTERED";
    throw new Error(`APNs answered ${status}${reason ? ` ${reason}` : ""}`);
  }

  close(): void {
    if (this.session) this.drop(this.session);
  }

  private connected(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const { origin, credentials, ca, allowPrivate } = this.options;
    const host = hostOf(new URL(origin));
    if (!allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) throw new Error("APNs origin's address is not public");
    const session = connect(origin, {
      cert: credentials.certificate,
      key: credentials.key,
      passphrase: credentials.keyPassphrase,
      ...(ca ? { ca } : {}),
      ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
    });
    session.on("error", () => this.drop(session));
    session.on("goaway", () => this.drop(session));
    // An idle session does not keep the process alive; APNs closes idle ones anyway.
    session.unref();
    this.session = session;
    return session;
  }

  private drop(session: ClientHttp2Session): void {
    if (this.session === session) this.session = null;
    if (!session.destroyed) session.destroy();
  }
}

function reasonOf(body: string): string {
  try {
    const reason = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof reason === "string" && /^\w{1,60}$/.test(reason) ? reason : "";
  } catch {
    return "";
  }
}
