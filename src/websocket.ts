import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GraphQLError, type ExecutionResult, type GraphQLSchema, type ValidationRule } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { CREDENTIAL_ENDED_REASON, type OpenSocket, type OpenSockets } from "./open-sockets";
import { requestContext, type RequestContext } from "./schema/context";
import type { formatError } from "./schema/errors";
import { introspectionRule } from "./schema/limits";
import type { Services } from "./services";
import type { Caller } from "./services/kernel/caller";
import { ErrorCode } from "./services/kernel/errors";
import type { SocketOperationMetrics } from "./metrics/operation-metrics";
import type { RateLimits } from "./services/kernel/rate-limits";
import { CONNECTION_INIT_WAIT_MS, credentialPresented, keepForPublicFeed, limitAnonymousLifetime, onlyPublicFeeds, socketAddress } from "./ws/anonymous-sockets";
import { TOO_MANY_SOCKETS } from "./ws/close-codes";
import { logSentErrors, socketOperationCheck } from "./ws/socket-operation";

export { TOO_MANY_SOCKETS };

type Extra = {
  request: IncomingMessage;
  socket: WebSocket;
  authorization?: string;
  address?: string;
  /** Who connected; each operation checks the credential again. */
  caller?: Caller;
  open?: OpenSocket;
  /** Operations whose credential check is under way. */
  checking?: number;
};

/**
 * graphql-ws on the HTTP server's port and path. The credential is checked when the
 * socket connects (a bad one closes it with 4403, graphql-ws's Forbidden) and again, as
 * it stands at that moment, by every operation; a socket whose credential ends is closed
 * with 4403 (open-sockets.ts). Each credential may hold a few sockets at most; a socket
 * without one is counted per address and lives a few seconds (ws/anonymous-sockets.ts).
 * Browser sockets (they send Origin) are accepted only from the configured origins.
 * Keep-alive pings drop dead sockets. Operations get the same token, validation and
 * introspection limits and error formatting as over HTTP (ws/socket-operation.ts);
 * messages, the same size limit.
 */
export function serveGraphqlWs(options: {
  wsServer: WebSocketServer;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  config: Config;
  validationRules: readonly ValidationRule[];
  format: ReturnType<typeof formatError>;
  rateLimits: RateLimits;
  openSockets: OpenSockets;
  /** Who opened each socket that presented a valid credential (or none): the metrics count them by it. */
  socketRoles: WeakMap<WebSocket, Caller["kind"]>;
  timings: SocketOperationMetrics;
}) {
  const { wsServer, schema, services, logger, config, validationRules, format, rateLimits, openSockets, socketRoles, timings } = options;
  const checkOperation = socketOperationCheck({ schema, validationRules, introspection: introspectionRule(config.production) });

  return useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        const address = socketAddress(ctx.extra.request, config);
        ctx.extra.authorization = typeof authorization === "string" ? authorization : undefined;
        ctx.extra.address = address;
        const caller = await services.auth.authenticate(ctx.extra.authorization, address);
        if (caller.kind === "invalid") return false;
        if (caller.kind === "anonymous") limitAnonymousLifetime(ctx.extra.socket);
        else await credentialPresented(ctx.extra.socket, rateLimits);
        if (openSockets.count(caller) >= config.websocket.maxSocketsPerCredential) {
          ctx.extra.socket.close(TOO_MANY_SOCKETS, "Too many sockets for this credential");
          return false;
        }
        ctx.extra.caller = caller;
        socketRoles.set(ctx.extra.socket, caller.kind);
        ctx.extra.open = { socket: ctx.extra.socket, caller };
        openSockets.add(ctx.extra.open);
        return true;
      },
      onClose: (ctx) => {
        if (ctx.extra.open) openSockets.remove(ctx.extra.open);
      },
      onSubscribe: async (ctx, id, payload) => {
        timings.begin(ctx.extra.socket, id);
        // Shape first (no database): the admin token, the only one allowed to introspect, never ends.
        const checked = checkOperation(ctx.extra.caller!, payload.query);
        if ("errors" in checked) return checked.errors;
        // The credential as it stands now, not as it stood when the socket opened.
        ctx.extra.checking = (ctx.extra.checking ?? 0) + 1;
        let caller: Caller;
        try {
          caller = await services.auth.authenticate(ctx.extra.authorization, ctx.extra.address!);
        } finally {
          ctx.extra.checking--;
        }
        if (caller.kind === "invalid") {
          // Closed once graphql-ws has sent this operation's error, and those of the
          // operations still being checked (they find the same), so the client learns why.
          if (ctx.extra.checking === 0) setImmediate(() => ctx.extra.socket.close(CloseCode.Forbidden, CREDENTIAL_ENDED_REASON));
          return [new GraphQLError(CREDENTIAL_ENDED_REASON, { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        }
        if (caller.kind === "anonymous" && onlyPublicFeeds(checked.document, payload.operationName) && !keepForPublicFeed(ctx.extra.socket, ctx.extra.address!)) {
          return [new GraphQLError("Too many sockets without a credential from this address", { extensions: { code: ErrorCode.RATE_LIMITED } })];
        }
        timings.checked(ctx.extra.socket, id, checked.document, payload.operationName);
        const requestId = randomUUID();
        const contextValue = requestContext(logger, { caller, services, requestId });
        // As over HTTP: one line per operation, its name and caller, never its variables.
        logger.info({ requestId, operation: payload.operationName ?? null, caller: caller.kind, transport: "ws" }, "graphql");
        return { schema, document: checked.document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      onNext: (ctx, id, payload, args, result) => {
        const formatted = formatResult(result as ExecutionResult, format);
        timings.end(ctx.extra.socket, id, formatted.errors);
        const { requestId } = args.contextValue as RequestContext;
        logSentErrors(logger, { requestId, operation: payload.operationName ?? null, caller: ctx.extra.caller!.kind, refused: false }, formatted.errors);
        return formatted;
      },
      onError: (ctx, id, payload, errors) => {
        const formatted = errors.map((e) => format(e.toJSON(), e));
        timings.end(ctx.extra.socket, id, formatted);
        logSentErrors(logger, { operation: payload.operationName ?? null, caller: ctx.extra.caller!.kind, refused: true }, formatted);
        return formatted as never;
      },
    },
    wsServer,
    config.websocket.keepAliveMs,
  );
}

/**
 * Refuses the upgrade for browser pages from origins not allowed (CSWSH). A page of this
 * server's own (the web app at /app) is on the host the socket is opened to: its origin
 * names that host, which another site's page cannot do.
 */
export function originAllowed(config: Config) {
  return (info: { origin?: string; req: { headers: { host?: string } } }): boolean =>
    !info.origin || config.websocket.allowedOrigins.includes(info.origin) || sameHost(info.origin, info.req.headers.host);
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

function formatResult(result: ExecutionResult, format: ReturnType<typeof formatError>): ExecutionResult {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) as never };
}

export { CloseCode };
