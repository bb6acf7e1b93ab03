import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GraphQLError, parse, specifiedRules, validate, type ExecutionResult, type GraphQLSchema, type ValidationRule } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Config } from "./config";
import { addressOf } from "./http/request-listener";
import type { Logger } from "./logger";
import { CREDENTIAL_ENDED_REASON, type OpenSocket, type OpenSockets } from "./open-sockets";
import { requestContext } from "./schema/context";
import type { formatError } from "./schema/errors";
import type { Services } from "./services";
import type { Caller } from "./services/caller";
import { ErrorCode } from "./services/errors";

/** Close codes of our own, beside graphql-ws's (4403 Forbidden, 4400, ...). */
export const TOO_MANY_SOCKETS = 4429;

type Extra = {
  request: IncomingMessage;
  socket: WebSocket;
  authorization?: string;
  address?: string;
  open?: OpenSocket;
  /** Operations whose credential check is under way. */
  checking?: number;
};

/**
 * graphql-ws on the HTTP server's port and path. The credential is checked when the
 * socket connects (a bad one closes it with 4403, graphql-ws's Forbidden) and again, as
 * it stands at that moment, by every operation; a socket whose credential ends is closed
 * with 4403 (open-sockets.ts). Each credential may hold a few sockets at most. Browser
 * sockets (they send Origin) are accepted only from the configured origins. Keep-alive
 * pings drop dead sockets. Operations get the same validation limits and error
 * formatting as over HTTP.
 */
export function serveGraphqlWs(options: {
  wsServer: WebSocketServer;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  config: Config;
  validationRules: readonly ValidationRule[];
  format: ReturnType<typeof formatError>;
  openSockets: OpenSockets;
}) {
  const { wsServer, schema, services, logger, config, validationRules, format, openSockets } = options;

  return useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        const address = addressOf(ctx.extra.request, config.trustProxy);
        ctx.extra.authorization = typeof authorization === "string" ? authorization : undefined;
        ctx.extra.address = address;
        const caller = await services.auth.authenticate(ctx.extra.authorization, address);
        if (caller.kind === "invalid") return false;
        if (openSockets.count(caller) >= config.websocket.maxSocketsPerCredential) {
          ctx.extra.socket.close(TOO_MANY_SOCKETS, "Too many sockets for this credential");
          return false;
        }
        ctx.extra.open = { socket: ctx.extra.socket, caller };
        openSockets.add(ctx.extra.open);
        return true;
      },
      onClose: (ctx) => {
        if (ctx.extra.open) openSockets.remove(ctx.extra.open);
      },
      onSubscribe: async (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
        if (errors.length > 0) return errors;
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
        const requestId = randomUUID();
        const contextValue = requestContext(logger, { caller, services, requestId });
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

function formatResult(result: ExecutionResult, format: ReturnType<typeof formatError>): ExecutionResult {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) as never };
}

export { CloseCode };
