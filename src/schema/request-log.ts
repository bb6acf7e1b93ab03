import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../logger";
import type { RequestContext } from "./context";

/**
 * One log line per GraphQL operation: name, duration and error codes. Never the query
 * text's variables, which carry passwords, card numbers and codes.
 */
export function requestLog(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors, contextValue: ctx }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const codes = errors?.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
          logger.info(
            { requestId: ctx.requestId, operation: operationName ?? null, caller: ctx.caller.kind, ms: Math.round(ms * 10) / 10, errors: codes },
            "graphql",
          );
        },
      };
    },
  };
}
