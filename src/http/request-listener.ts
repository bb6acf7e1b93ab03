import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import proxyAddr from "proxy-addr";
import type { Logger } from "../logger";
import type { MetricsAccess } from "../metrics/access";
import type { ReadinessAnswer } from "../readiness";
import { EXPLORER_PATH, type Explorer } from "./explorer";
import { sendJson } from "./responses";
import type { TrustProxy } from "../trust-proxy";
import { WEB_APP_PATH, type WebApp } from "./web-app";
import { PASS_WEB_SERVICE_PATH, servePassWebService, type PassWebService } from "./pass-web-service";

export interface Routes {
  /** POST or GET /graphql; `search` is the query string with its "?" (or ""). */
  graphql(req: IncomingMessage, res: ServerResponse, search: string, requestId: string): Promise<void>;
  /** Whether the database answers. */
  healthy(): Promise<boolean>;
  /** Whether this instance should get traffic (readiness.ts). */
  ready(): Promise<ReadinessAnswer>;
  /** Who may read /metrics (metrics/access.ts). */
  metricsAccess: MetricsAccess;
  /** The metrics in Prometheus' text format. */
  metrics(): Promise<{ contentType: string; text: string }>;
  /** The development explorer's files; null in production. */
  explorer: Explorer | null;
  /** The phone, register and gate pages at /app; null when the app is not built. */
  webApp: WebApp | null;
  /** The published receipt key set (docs/books.md). */
  receiptKeys(): Promise<unknown>;
  /** Apple's web service for passes under /v1/ (docs/passes.md). */
  passes: PassWebService;
}

/** Where anyone fetches the receipt key set, as a static document. */
export const RECEIPT_KEYS_PATH = "/.well-known/wallet-center/receipt-keys.json";

/**
 * The HTTP side of the server: /graphql, GET /health (the process and its database
 * live), GET /ready (send traffic here), GET /metrics (Prometheus) and the web app
 * under /app (web-app.ts), every answer tagged with an x-request-id (the caller's, when
 * it sends a sane one, so a register's log and ours can be matched). WebSocket upgrades never reach this; graphql-ws takes them on the server.
 */
export function requestListener(routes: Routes, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const search = query === -1 ? "" : url.slice(query);
    let handled: Promise<void>;
    // Apple's pass web service (pass-web-service.ts); false for a path or method it does not serve.
    const passes = path.startsWith(PASS_WEB_SERVICE_PATH) && servePassWebService(routes.passes, req, res, path, search);
    if (path === "/graphql") handled = routes.graphql(req, res, search, requestId);
    else if (path === "/health" && (req.method === "GET" || req.method === "HEAD")) handled = health(routes, res);
    else if (path === "/ready" && (req.method === "GET" || req.method === "HEAD")) handled = ready(routes, res);
    else if (path === "/metrics" && req.method === "GET") handled = metrics(routes, req, res);
    else if (path === RECEIPT_KEYS_PATH && (req.method === "GET" || req.method === "HEAD")) handled = receiptKeys(routes, res);
    else if (passes) handled = passes;
    else if (path.startsWith(EXPLORER_PATH) && req.method === "GET" && routes.explorer?.asset(path, res)) return;
    else if (isUnder(path, WEB_APP_PATH) && (req.method === "GET" || req.method === "HEAD") && routes.webApp?.serve(path, req, res)) return;
    else {
      sendJson(res, 404, { error: "not found" });
      return;
    }
    handled.catch((error: unknown) => {
      logger.error({ requestId, err: error instanceof Error ? error.name : "unknown" }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "internal error" }] });
      else res.destroy();
    });
  };
}

async function receiptKeys(routes: Routes, res: ServerResponse): Promise<void> {
  // Verifiers may cache it a minute: a new key signs nothing until an instance starts with it.
  res.setHeader("cache-control", "public, max-age=60");
  res.setHeader("access-control-allow-origin", "*");
  sendJson(res, 200, await routes.receiptKeys());
}

async function health(routes: Routes, res: ServerResponse): Promise<void> {
  if (await routes.healthy().catch(() => false)) sendJson(res, 200, { status: "ok", database: "ok" });
  else sendJson(res, 503, { status: "unavailable", database: "unreachable" });
}

async function ready(routes: Routes, res: ServerResponse): Promise<void> {
  const answer = await routes.ready();
  sendJson(res, answer.ready ? 200 : 503, answer.body);
}

async function metrics(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const access = routes.metricsAccess(req);
  if (access === 401) {
    res.setHeader("www-authenticate", 'Bearer realm="metrics"');
    return sendJson(res, 401, { error: "metrics need a bearer token" });
  }
  if (access === 403) return sendJson(res, 403, { error: "forbidden" });
  const { contentType, text } = await routes.metrics();
  res.statusCode = 200;
  res.setHeader("content-type", contentType);
  res.setHeader("cache-control", "no-store");
  res.end(text);
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * The caller's address: the socket's peer, or, behind trusted proxies, the nearest hop
 * of X-Forwarded-For that is not one of them (see src/trust-proxy.ts).
 */
export function addressOf(req: IncomingMessage, trust: TrustProxy): string {
  return proxyAddr(req, trust) ?? req.socket.remoteAddress ?? "unknown";
}
