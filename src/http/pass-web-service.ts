import type { IncomingMessage, ServerResponse } from "node:http";
import getRawBody from "raw-body";
import { sendJson } from "./responses";

/** What Apple's pass web service needs of the passes (services/passes/wallet-pass.service.ts). */
export interface PassWebService {
  registerDevice(deviceLibraryId: string, passTypeId: string, serial: string, token: string | null, pushToken: unknown): Promise<boolean | null>;
  unregisterDevice(deviceLibraryId: string, passTypeId: string, serial: string, token: string | null): Promise<boolean>;
  updatedSerials(deviceLibraryId: string, passTypeId: string, since: string | null): Promise<{ serialNumbers: string[]; lastUpdated: string } | null>;
  latestPass(
    passTypeId: string,
    serial: string,
    token: string | null,
    ifModifiedSince: Date | null,
  ): Promise<{ kind: "UNAUTHORIZED" } | { kind: "NOT_MODIFIED" } | { kind: "PASS"; pkpass: Buffer; lastModified: Date }>;
  log(messages: unknown): void;
}

export const PASS_WEB_SERVICE_PATH = "/v1/";

/** Wallet's requests are small JSON documents; anything larger is not Wallet. */
const BODY_LIMIT = "16kb";

const REGISTRATION = /^\/v1\/devices\/([^/]+)\/registrations\/([^/]+)\/([^/]+)$/;
const REGISTRATIONS = /^\/v1\/devices\/([^/]+)\/registrations\/([^/]+)$/;
const PASS = /^\/v1\/passes\/([^/]+)\/([^/]+)$/;

/**
 * Apple's web service for passes (Wallet Passes, "Adding a Web Service to Update
 * Passes"), at the pass's webServiceURL: devices register and unregister for a pass's
 * updates, ask which of their passes changed, fetch the latest pass, and report
 * problems. Wallet authenticates with "Authorization: ApplePass <token>", the pass's own
 * token; the phone's browser may give it as `?token=` to download the pass. The token is
 * never logged. Answers: 201 registered, 200 known or done, 204 nothing changed, 304 not
 * modified, 401 a wrong token, 404 unknown path. Returns false when the path is not the
 * web service's.
 */
export function servePassWebService(service: PassWebService, req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> | false {
  const params = new URLSearchParams(search);
  const token = tokenOf(req, params);
  let match: RegExpMatchArray | null;
  if ((match = path.match(REGISTRATION)) && (req.method === "POST" || req.method === "DELETE")) {
    const [device, passType, serial] = match.slice(1).map(decode);
    if (req.method === "DELETE") {
      return service.unregisterDevice(device, passType, serial, token).then((done) => empty(res, done ? 200 : 401));
    }
    return readJson(req).then(async (body) => {
      if (body === undefined) return sendJson(res, 400, { error: "the body must be JSON with a pushToken" });
      const created = await service.registerDevice(device, passType, serial, token, (body as { pushToken?: unknown } | null)?.pushToken);
      empty(res, created === null ? 401 : created ? 201 : 200);
    });
  }
  if ((match = path.match(REGISTRATIONS)) && req.method === "GET") {
    const [device, passType] = match.slice(1).map(decode);
    return service.updatedSerials(device, passType, params.get("passesUpdatedSince")).then((answer) => (answer ? sendJson(res, 200, answer) : empty(res, 204)));
  }
  if ((match = path.match(PASS)) && (req.method === "GET" || req.method === "HEAD")) {
    const [passType, serial] = match.slice(1).map(decode);
    const since = req.headers["if-modified-since"];
    const ifModifiedSince = since && !Number.isNaN(Date.parse(since)) ? new Date(since) : null;
    return service.latestPass(passType, serial, token, ifModifiedSince).then((answer) => {
      if (answer.kind === "UNAUTHORIZED") return empty(res, 401);
      if (answer.kind === "NOT_MODIFIED") return empty(res, 304);
      res.statusCode = 200;
      res.setHeader("content-type", "application/vnd.apple.pkpass");
      res.setHeader("content-disposition", 'attachment; filename="pass.pkpass"');
      res.setHeader("last-modified", answer.lastModified.toUTCString());
      res.setHeader("cache-control", "no-store");
      res.setHeader("content-length", answer.pkpass.length);
      res.end(req.method === "HEAD" ? undefined : answer.pkpass);
    });
  }
  if (path === "/v1/log" && req.method === "POST") {
    return readJson(req).then((body) => {
      service.log((body as { logs?: unknown } | null)?.logs);
      empty(res, 200);
    });
  }
  return false;
}

function tokenOf(req: IncomingMessage, params: URLSearchParams): string | null {
  const header = req.headers.authorization;
  const given = header?.startsWith("ApplePass ") ? header.slice("ApplePass ".length).trim() : params.get("token");
  return given && given.length <= 200 ? given : null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return "";
  }
}

/** The body as JSON; undefined when it is not JSON (or too large). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    const text = (await getRawBody(req, { length: req.headers["content-length"], limit: BODY_LIMIT })).toString("utf8");
    return text ? JSON.parse(text) : null;
  } catch {
    return undefined;
  }
}

function empty(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.setHeader("content-length", 0);
  res.end();
}
