import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import type { Caller } from "../services/kernel/caller";
import { ErrorCode } from "../services/kernel/errors";
import type { RequestContext } from "./context";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

/**
 * Most tokens a document may have. graphql's own parser counts them (`parse(text, {
 * maxTokens })`, Apollo's `parseOptions`), so a document over the limit is an ordinary
 * parse failure, answered 400 over HTTP and as an operation error over a socket.
 */
export const MAX_TOKENS = 2000;

/**
 * Query shape limits from graphql-armor, as validation rules: depth, aliases, cost,
 * directives. Two of armor's protections are Apollo plugins, off here: its token limit
 * parses inside a plugin hook, where anything it throws (a syntax error included) became
 * a 500, and MAX_TOKENS above does that job; its field suggestion mask would not reach
 * WebSocket operations, so formatError (scrub) removes suggestions for both transports.
 */
export function armorProtection(limits: QueryLimits) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxCost },
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect();
}

/**
 * The rule, over HTTP and over WebSocket alike: in production only the admin token may
 * introspect the schema. Returns the error to answer, or undefined when the operation may
 * run. The error asks for HTTP 403, so Apollo answers a refusal from its
 * didResolveOperation hook as a client error rather than a 500.
 */
export function introspectionRule(production: boolean) {
  // Apollo hands the same parsed document to every request with the same text, so the
  // answer is kept per document instead of validating it again on every request.
  const introspects = new WeakMap<DocumentNode, boolean>();
  return (caller: Caller, schema: GraphQLSchema, document: DocumentNode): GraphQLError | undefined => {
    if (!production || caller.kind === "admin") return undefined;
    let found = introspects.get(document);
    if (found === undefined) {
      found = validate(schema, document, [NoSchemaIntrospectionCustomRule]).length > 0;
      introspects.set(document, found);
    }
    if (!found) return undefined;
    return new GraphQLError("Introspection needs the admin token", {
      extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
    });
  };
}

/** introspectionRule as an Apollo plugin. */
export function introspectionOnlyForAdmin(rule: ReturnType<typeof introspectionRule>): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema }) {
          const refusal = rule(contextValue.caller, schema, document);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
