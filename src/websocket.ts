import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GraphQLError, parse, specifiedRules, validate, type ExecutionResult, type GraphQLSchema, type ValidationRule } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Config } from "./config";
import { addressOf } from "./http/request-listener";
import type { Logger } from "./logger";
import { requestContext } from "./schema/context";
import type { formatError } from "./schema/errors";
import type { Services } from "./services";
import type { Caller } from "./services/caller";

/** Close codes of our own, beside graphql-ws's (4403 Forbidden, 4400, ...). */
export const TOO_MANY_SOCKETS = 4429;

type Extra = { request: IncomingMessage; socket: WebSocket; caller?: Caller; credential?: string };

/**
 * graphql-ws on the HTTP server's port and path. The credential is checked once, when
 * the socket connects: a bad one closes it with 4403 (graphql-ws's Forbidden). Each
 * credential may hold a few sockets at most. Browser sockets (they send Origin) are
 * accepted only from the configured origins. Keep-alive pings drop dead sockets.
 * Operations get the same validation limits and error formatting as over HTTP.
 */
export function serveGraphqlWs(options: {
  wsServer: WebSocketServer;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  config: Config;
  validationRules: readonly ValidationRule[];
  format: ReturnType<typeof formatError>;
}) {
  const { wsServer, schema, services, logger, config, validationRules, format } = options;
  const socketsPerCredential = new Map<string, number>();

  return useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        const address = addressOf(ctx.extra.request, config.trustProxy);
        const caller = await services.auth.authenticate(typeof authorization === "string" ? authorization : undefined, address);
        if (caller.kind === "invalid") return false;
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
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
        if (errors.length > 0) return errors;
        const requestId = randomUUID();
        const contextValue = requestContext(logger, { caller: ctx.extra.caller!, services, requestId });
        // As over HTTP: one line per operation, its name and caller, never its variables.
        logger.info({ requestId, operation: payload.operationName ?? null, caller: contextValue.caller.kind, transport: "ws" }, "graphql");
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result as ExecutionResult, format),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e.toJSON(), e)) as never,
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
