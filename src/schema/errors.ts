import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "../logger";
import { ErrorCode, WalletError } from "../services/kernel/errors";
import { variableErrorMessage } from "./variable-errors";

const CLIENT_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * Removes what must never reach a client or a log from a message: long digit runs (card
 * numbers, codes), all that follows GraphQL's "got invalid value" (the value, and often
 * the value again in the reason), and GraphQL's "Did you mean ...?" suggestions, which
 * would map the schema for a stranger. Every error over HTTP and WebSocket alike comes
 * through here; a variable's error is rebuilt before it (variable-errors.ts), so this
 * catches what reaches a log by another way.
 */
export function scrub(message: string): string {
  return message
    .replace(/got invalid value[\s\S]*$/, "got invalid value")
    .replace(/ Did you mean [^?]*\?/g, "")
    .replace(/\d[\d -]{10,}\d/g, "[redacted]");
}

/**
 * Every error leaves as { message, extensions.code }: a WalletError with its contract
 * code and details; a malformed request as BAD_USER_INPUT; anything else is a bug,
 * logged here with the request id and answered as INTERNAL_SERVER_ERROR, with no
 * stack, SQL or data.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof WalletError) {
      return {
        message: original.message,
        path: formatted.path,
        extensions: { code: original.code, ...original.details },
      };
    }
    const variableMessage = variableErrorMessage(formatted.message, error);
    if (variableMessage !== undefined) {
      return { message: variableMessage, locations: formatted.locations, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    const code = String(formatted.extensions?.code ?? "");
    if ((Object.values(ErrorCode) as string[]).includes(code)) {
      // The server's own refusals before any resolver (e.g. a subscription over HTTP) may say why.
      const reason = formatted.extensions?.reason;
      return { message: scrub(formatted.message), path: formatted.path, extensions: { code, ...(typeof reason === "string" ? { reason } : {}) } };
    }
    if (CLIENT_ERROR_CODES.has(code) || (original instanceof GraphQLError && !original.originalError && !code)) {
      return {
        message: scrub(formatted.message),
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.BAD_USER_INPUT, ...(code && code !== "BAD_USER_INPUT" ? { reason: code } : {}) },
      };
    }
    logger.error({ err: describe(original), path: formatted.path }, "unexpected error");
    return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}

function describe(error: unknown): Record<string, string | undefined> {
  if (!(error instanceof Error)) return { message: scrub(String(error)) };
  return { type: error.name, message: scrub(error.message), stack: error.stack && scrub(error.stack) };
}
