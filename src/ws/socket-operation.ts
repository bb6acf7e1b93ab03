import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from "graphql";
import type { Logger } from "../logger";
import { MAX_TOKENS, type introspectionRule } from "../schema/limits";
import type { Caller } from "../services/kernel/caller";

/**
 * What an operation on a socket goes through before it runs, as over HTTP: the same
 * token limit when parsed, the same validation rules (armor's depth, aliases, cost,
 * directives), and the same introspection rule. Gives the document, or the errors to
 * answer on that operation; the socket stays open either way.
 */
export function socketOperationCheck(options: {
  schema: GraphQLSchema;
  validationRules: readonly ValidationRule[];
  introspection: ReturnType<typeof introspectionRule>;
}) {
  const { schema, introspection } = options;
  const rules = [...specifiedRules, ...options.validationRules];
  return (caller: Caller, query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } => {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_TOKENS });
    } catch (error) {
      return { errors: [parseFailure(error)] };
    }
    const errors = validate(schema, document, rules);
    if (errors.length > 0) return { errors };
    const refusal = introspection(caller, schema, document);
    return refusal ? { errors: [refusal] } : { document };
  };
}

/**
 * A parse failure as the client error it is (formatError answers it as BAD_USER_INPUT,
 * reason GRAPHQL_PARSE_FAILED, as Apollo's over HTTP). Whatever the parser threw (a
 * syntax error, or a RangeError from a document nested past the stack) says nothing
 * about the server.
 */
function parseFailure(error: unknown): GraphQLError {
  const extensions = { code: "GRAPHQL_PARSE_FAILED" };
  if (error instanceof GraphQLError) {
    return new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions });
  }
  return new GraphQLError("Syntax Error: the document could not be parsed", { extensions });
}

/**
 * The error codes a socket operation was answered with (after formatError), logged as
 * over HTTP (request-log.ts), so an attack on a socket shows in the log too. An
 * operation refused before it ran has this as its one "graphql" line; one that ran has
 * its "graphql" line already and gets a "graphql errors" line beside it.
 */
export function logSentErrors(
  logger: Logger,
  line: { requestId?: string; operation: string | null; caller: string; refused: boolean },
  errors: readonly GraphQLFormattedError[] | undefined,
): void {
  if (!errors?.length) return;
  const { refused, ...fields } = line;
  const codes = errors.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
  logger.info({ ...fields, transport: "ws", errors: codes }, refused ? "graphql" : "graphql errors");
}
