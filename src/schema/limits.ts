import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate, type DocumentNode } from "graphql";
import { ErrorCode } from "../services/errors";
import type { RequestContext } from "./context";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

/**
 * Query shape limits from graphql-armor: depth, aliases, cost, tokens, directives, and
 * no field suggestions (they would map the schema for a stranger).
 */
export function armorProtection(limits: QueryLimits) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxCost },
    maxTokens: { n: 2000 },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: true },
  });
  return armor.protect();
}

/** In production, only the admin token may introspect the schema. */
export function introspectionOnlyForAdmin(production: boolean): ApolloServerPlugin<RequestContext> {
  // Apollo hands the same parsed document to every request with the same text, so the
  // answer is kept per document instead of validating it again on every request.
  const introspects = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema }) {
          if (!production || contextValue.caller.kind === "admin") return;
          let found = introspects.get(document);
          if (found === undefined) {
            found = validate(schema, document, [NoSchemaIntrospectionCustomRule]).length > 0;
            introspects.set(document, found);
          }
          if (found) {
            throw new GraphQLError("Introspection needs the admin token", { extensions: { code: ErrorCode.FORBIDDEN } });
          }
        },
      };
    },
  };
}
