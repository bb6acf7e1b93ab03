import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { ErrorCode } from "../services/kernel/errors";
import type { RequestContext } from "./context";

/** Says why in `extensions.reason`, beside BAD_USER_INPUT, so a client can tell this refusal apart. */
export const SUBSCRIPTION_NEEDS_WEBSOCKET = "SUBSCRIPTION_NEEDS_WEBSOCKET";

/**
 * Subscriptions are served over graphql-ws only. Over HTTP, Apollo would run one as a
 * query and fail inside the executor (a 500 and a stack in the log); this refuses it
 * first, as the client's mistake, with a 400 that names the way that works.
 */
export function subscriptionsOnlyOverWebSocket(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== "subscription") return;
          throw new GraphQLError("Subscriptions are served over WebSocket only (graphql-ws on the same path: ws://<host>/graphql)", {
            extensions: { code: ErrorCode.BAD_USER_INPUT, reason: SUBSCRIPTION_NEEDS_WEBSOCKET, http: { status: 400 } },
          });
        },
      };
    },
  };
}
