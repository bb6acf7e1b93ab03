import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { SignJWT, importPKCS8, type KeyLike } from "jose";
import { hostOf, isPublicAddress, publicOnlyLookup } from "../delivery/outbound-address";
import type { GoogleServiceAccount } from "./pass-credentials";
import type { PassFace, PassField } from "./pass-faces";
import { PASS_WORDS } from "./pass-words";

export const SAVE_URL = "https://pay.google.com/gp/v/save/";
const WALLET_SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer";

/** The Google Wallet object of a face, and its class (the event or the program). */
export interface GoogleObject {
  type: "eventTicketObject" | "loyaltyObject";
  object: Record<string, unknown>;
  klass: Record<string, unknown>;
}

/**
 * A face as Google Wallet's REST resources: an event ticket (its class per event) or a
 * loyalty card (its class per program). A voided face is INACTIVE and has no barcode.
 */
export function googleObject(face: PassFace, ids: { issuerId: string; objectId: string; classId: string; issuerName: string; venue?: string; startsAt?: Date }): GoogleObject {
  const id = `${ids.issuerId}.${ids.objectId}`;
  const classId = `${ids.issuerId}.${ids.classId}`;
  const text = [...face.secondary, ...face.auxiliary, ...face.back].map(textModule);
  const common = {
    id,
    classId,
    state: face.voided ? "INACTIVE" : "ACTIVE",
    ...(face.barcode ? { barcode: { type: "QR_CODE", value: face.barcode } } : {}),
    textModulesData: text,
    ...(face.expiresAt ? { validTimeInterval: { end: { date: face.expiresAt.toISOString() } } } : {}),
  };
  if (face.kind === "TICKET") {
    return {
      type: "eventTicketObject",
      object: common,
      klass: {
        id: classId,
        issuerName: ids.issuerName,
        reviewStatus: "UNDER_REVIEW",
        eventName: localized(face.title),
        ...(ids.venue ? { venue: { name: localized(ids.venue), address: localized(ids.venue) } } : {}),
        ...(ids.startsAt ? { dateTime: { start: ids.startsAt.toISOString() } } : {}),
      },
    };
  }
  const points = face.primary.find((one) => one.key === "points")?.value ?? 0;
  const member = face.secondary.find((one) => one.key === "memberNumber")?.value ?? "";
  return {
    type: "loyaltyObject",
    object: { ...common, accountId: String(member), accountName: String(member), loyaltyPoints: { label: PASS_WORDS.en.POINTS, balance: { int: Number(points) } } },
    klass: { id: classId, issuerName: ids.issuerName, reviewStatus: "UNDER_REVIEW", programName: face.title },
  };
}

/**
 * "Save to Google Wallet": the save URL with an RS256 JWT signed by the service account
 * (jose), carrying the object and its class, as Google's "JWT save" flow takes them.
 */
export async function saveLink(account: GoogleServiceAccount, google: GoogleObject, now: Date): Promise<string> {
  const plural = google.type === "eventTicketObject" ? { eventTicketObjects: [google.object], eventTicketClasses: [google.klass] } : { loyaltyObjects: [google.object], loyaltyClasses: [google.klass] };
  const jwt = await new SignJWT({ typ: "savetowallet", origins: [], payload: plural })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer(account.email)
    .setAudience("google")
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .sign(await privateKey(account));
  return SAVE_URL + jwt;
}

const keys = new WeakMap<GoogleServiceAccount, Promise<KeyLike>>();
function privateKey(account: GoogleServiceAccount): Promise<KeyLike> {
  let key = keys.get(account);
  if (!key) keys.set(account, (key = importPKCS8(account.privateKey, "RS256")));
  return key;
}

export interface GoogleApiOptions {
  apiOrigin: string;
  tokenUrl: string;
  allowPrivate: boolean;
}

/**
 * Updates of saved objects through the Wallet REST API: PATCH of the object, with an
 * access token from the service account (an RS256 assertion exchanged at the token URL,
 * RFC 7523), kept until a minute before it ends. A 404 means the holder never saved
 * the object: nothing to update. Errors name the status only.
 */
export class GoogleWalletApi {
  private token: { value: string; until: number } | null = null;

  constructor(
    private readonly account: GoogleServiceAccount,
    private readonly options: GoogleApiOptions,
  ) {}

  async patch(google: GoogleObject, signal: AbortSignal, now: Date): Promise<"UPDATED" | "NOT_SAVED"> {
    const token = await this.accessToken(signal, now);
    const url = `${this.options.apiOrigin}/walletobjects/v1/${google.type}/${encodeURIComponent(String(google.object.id))}`;
    const answer = await send(url, "PATCH", { authorization: `Bearer ${token}`, "content-type": "application/json" }, JSON.stringify(google.object), signal, this.options.allowPrivate);
    if (answer.status === 401) this.token = null;
    if (answer.status === 404) return "NOT_SAVED";
    if (answer.status < 200 || answer.status >= 300) throw new Error(`Google Wallet answered ${answer.status}`);
    return "UPDATED";
  }

  private async accessToken(signal: AbortSignal, now: Date): Promise<string> {
    if (this.token && this.token.until > now.getTime()) return this.token.value;
    const seconds = Math.floor(now.getTime() / 1000);
    const assertion = await new SignJWT({ scope: WALLET_SCOPE })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(this.account.email)
      .setAudience(this.options.tokenUrl)
      .setIssuedAt(seconds)
      .setExpirationTime(seconds + 3600)
      .sign(await privateKey(this.account));
    const body = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString();
    const answer = await send(this.options.tokenUrl, "POST", { "content-type": "application/x-www-form-urlencoded" }, body, signal, this.options.allowPrivate);
    if (answer.status !== 200) throw new Error(`Google's token endpoint answered ${answer.status}`);
    const { access_token: value, expires_in: lifetime } = JSON.parse(answer.body) as { access_token?: string; expires_in?: number };
    if (!value) throw new Error("Google's token endpoint gave no access token");
    this.token = { value, until: now.getTime() + Math.max(0, (lifetime ?? 3600) - 60) * 1000 };
    return value;
  }
}

function textModule(one: PassField) {
  const value = one.key === "status" ? PASS_WORDS.en[one.value as keyof typeof PASS_WORDS.en] ?? String(one.value) : String(one.value);
  return { id: one.key, header: PASS_WORDS.en[one.label], body: value };
}

function localized(value: string) {
  return { defaultValue: { language: "en", value } };
}

/** One request through node:http(s), so the address is checked after DNS (delivery/outbound-address.ts). */
function send(url: string, method: string, headers: Record<string, string>, body: string, signal: AbortSignal, allowPrivate: boolean): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const literal = hostOf(target);
  if (!allowPrivate && isIP(literal) !== 0 && !isPublicAddress(literal)) return Promise.reject(new Error("Google Wallet's address is not public"));
  const go = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = go(
      target,
      { method, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, signal, agent: false, ...(allowPrivate ? {} : { lookup: publicOnlyLookup }) },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk.slice(0, 100_000)));
        response.on("error", () => reject(new Error("Google Wallet not reached")));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on("error", (error) => reject(signal.aborted ? error : new Error("Google Wallet not reached")));
    request.end(body);
  });
}
