import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ExecutionResult, GraphQLSchema, ValidationRule } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { requestContext, type RequestContext } from "./schema/context";
import type { formatError } from "./schema/errors";
import { introspectionRule } from "./schema/limits";
import type { Services } from "./services";
import type { Caller } from "./services/caller";
import type { RateLimits } from "./services/rate-limits";
import { CONNECTION_INIT_WAIT_MS, admitAnonymousSocket, socketAddress } from "./ws/anonymous-sockets";
import { TOO_MANY_SOCKETS } from "./ws/close-codes";
import { logSentErrors, socketOperationCheck } from "./ws/socket-operation";

export { TOO_MANY_SOCKETS };

type Extra = { request: IncomingMessage; socket: WebSocket; caller?: Caller; credential?: string };

/**
 * graphql-ws on the HTTP server's port and path. The credential is checked once, when
 * the socket connects: a bad one closes it with 4403 (graphql-ws's Forbidden). Each
 * credential may hold a few sockets at most; a socket without one is counted per address
 * and lives a few seconds (ws/anonymous-sockets.ts). Browser sockets (they send Origin)
 * are accepted only from the configured origins. Keep-alive pings drop dead sockets.
 * Operations get the same token, validation and introspection limits and error
 * formatting as over HTTP (ws/socket-operation.ts); messages, the same size limit.
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
}) {
  const { wsServer, schema, services, logger, config, validationRules, format, rateLimits } = options;
  const socketsPerCredential = new Map<string, number>();
  const checkOperation = socketOperationCheck({ schema, validationRules, introspection: introspectionRule(config.production) });

  return useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        const address = socketAddress(ctx.extra.request, config);
        const caller = await services.auth.authenticate(typeof authorization === "string" ? authorization : undefined, address);
        if (caller.kind === "invalid") return false;
        if (caller.kind === "anonymous" && !(await admitAnonymousSocket(ctx.extra.socket, address, rateLimits))) return false;
        const credential = credentialOf(caller);
        if (credential) {
          const open = socketsPerCredential.get(credential) ?? 0;
          if (open >= config.websocket.maxSocketsPerCredential) {
            ctx.extra.socket.close(TOO_MANY_SOCKETS, "Too many sockets for this credential");
            return false;
          }
          socketsPerCredential.set(credential, open + 1);
          ctx.extra.credential = credential;
        }
        ctx.extra.caller = caller;
        return true;
      },
      onClose: (ctx) => {
        const credential = ctx.extra.credential;
        if (!credential) return;
        const left = (socketsPerCredential.get(credential) ?? 1) - 1;
        if (left > 0) socketsPerCredential.set(credential, left);
        else socketsPerCredential.delete(credential);
      },
      onSubscribe: (ctx, _id, payload) => {
        const checked = checkOperation(ctx.extra.caller!, payload.query);
        if ("errors" in checked) return checked.errors;
        const { document } = checked;
        const requestId = randomUUID();
        const contextValue = requestContext(logger, { caller: ctx.extra.caller!, services, requestId });
        // As over HTTP: one line per operation, its name and caller, never its variables.
        logger.info({ requestId, operation: payload.operationName ?? null, caller: contextValue.caller.kind, transport: "ws" }, "graphql");
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      onNext: (ctx, _id, payload, args, result) => {
        const formatted = formatResult(result as ExecutionResult, format);
        const { requestId } = args.contextValue as RequestContext;
        logSentErrors(logger, { requestId, operation: payload.operationName ?? null, caller: ctx.extra.caller!.kind, refused: false }, formatted.errors);
        return formatted;
      },
      onError: (ctx, _id, payload, errors) => {
        const formatted = errors.map((e) => format(e.toJSON(), e));
        logSentErrors(logger, { operation: payload.operationName ?? null, caller: ctx.extra.caller!.kind, refused: true }, formatted);
        return formatted as never;
      },
    },
    wsServer,
    config.websocket.keepAliveMs,
  );
}

/** Refuses the upgrade for browser pages from origins not allowed (CSWSH). */
export function originAllowed(config: Config) {
  return (info: { origin?: string }): boolean =>
    !info.origin || config.websocket.allowedOrigins.includes(info.origin);
}

function credentialOf(caller: Caller): string | null {
  switch (caller.kind) {
    case "customer":
      return `session:${caller.sessionId}`;
    case "register":
    case "gate":
    case "partner":
      return `key:${caller.apiKeyId}`;
    default:
      return null;
  }
}

function formatResult(result: ExecutionResult, format: ReturnType<typeof formatError>): ExecutionResult {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) as never };
}

export { CloseCode };
