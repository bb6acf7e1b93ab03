import type { ApolloServerPlugin } from "@apollo/server";
import { Kind } from "graphql";
import type { Logger } from "../logger";
import type { RequestContext } from "./context";

/**
 * One log line per GraphQL operation: its name, its first root field (the clients send
 * anonymous documents, so the field is what says "redeemCode"), duration, and the error
 * codes the response carries (after formatError: CODE_INVALID, BAD_USER_INPUT, ...), so
 * the log shows what the client was told. Never the query text's variables, which carry
 * passwords, card numbers and codes.
 */
export function requestLog(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, response, contextValue: ctx }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const sent = response.body.kind === "single" ? response.body.singleResult.errors : response.body.initialResult.errors;
          const codes = sent?.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
          const first = operation?.selectionSet.selections[0];
          logger.info(
            {
              requestId: ctx.requestId,
              operation: operationName ?? null,
              field: first?.kind === Kind.FIELD ? first.name.value : null,
              caller: ctx.caller.kind,
              ms: Math.round(ms * 10) / 10,
              errors: codes,
            },
            "graphql",
          );
        },
      };
    },
  };
}
