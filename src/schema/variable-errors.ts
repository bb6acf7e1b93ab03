import { GraphQLError } from "graphql";

/*
 * graphql-js words a variable it cannot coerce as
 *   Variable "$name" got invalid value <the value, printed> [at "name.path"]; <why>
 * and <why> often prints the value again ("String cannot represent a non string value:
 * ...", "Value ... does not exist in ... enum"). A variable carries passwords, card
 * numbers and codes, so its message is built again here from the parts that name only
 * the schema: the variable, the path to the field, and the expected type.
 */

const NAME = "[_A-Za-z][_0-9A-Za-z]*";
const VARIABLE = new RegExp(`^Variable "\\$(${NAME})" `);
/** The path graphql-js prints after the value: the variable's name, then .field and [index] steps. */
const PATH_AT_END = new RegExp(` at "(${NAME}(?:\\.${NAME}|\\[\\d+\\])*)"$`);

/** Reasons that name only the schema (graphql-js's coerceInputValue and coerceVariableValues), kept as they are. */
const SAFE_REASONS = [
  new RegExp(`^Expected non-nullable type "[^"]+" not to be null\\.$`),
  new RegExp(`^Expected type "${NAME}" to be an object\\.$`),
  new RegExp(`^Field "${NAME}" of required type "[^"]+" was not provided\\.$`),
  new RegExp(`^Exactly one key must be specified for OneOf type "${NAME}"\\.$`),
  new RegExp(`^Field "${NAME}" must be non-null\\.$`),
];

/** Whole messages about a variable that print no value (missing, null, not an input type). */
const SAFE_WHOLE = [
  new RegExp(`^Variable "\\$${NAME}" of required type "[^"]+" was not provided\\.$`),
  new RegExp(`^Variable "\\$${NAME}" of non-null type "[^"]+" must not be null\\.$`),
  new RegExp(`^Variable "\\$${NAME}" expected value of type "[^"]+" which cannot be used as an input type\\.$`),
];

/**
 * The message to send (and log) for an error about a variable's value, with no part of
 * the value in it; undefined when the error is not about a variable.
 */
export function variableErrorMessage(message: string, error: unknown): string | undefined {
  const variable = VARIABLE.exec(message);
  if (!variable) return undefined;
  if (SAFE_WHOLE.some((safe) => safe.test(message))) return message;
  const reason = innerReason(message, error);
  const before = reason === undefined ? undefined : message.slice(0, message.length - reason.length - 2);
  const path = before === undefined ? null : PATH_AT_END.exec(before)?.[1];
  const at = path && path.startsWith(variable[1]) ? ` at "${path}"` : "";
  return `Variable "$${variable[1]}" got invalid value${at}; ${reason === undefined ? "not a valid value." : safeReason(reason)}`;
}

/** The reason graphql-js put after "; ": the message of the error it wraps (Apollo keeps that error as originalError). */
function innerReason(message: string, error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = (e as GraphQLError).originalError) {
    if (e.message !== message && message.endsWith(`; ${e.message}`)) return e.message;
  }
  return undefined;
}

function safeReason(reason: string): string {
  if (SAFE_REASONS.some((safe) => safe.test(reason))) return reason;
  const unknownField = new RegExp(`^Field "[\\s\\S]*" is not defined by type "(${NAME})"\\.`).exec(reason);
  if (unknownField) return `a field is not defined by type "${unknownField[1]}".`;
  const enumType = new RegExp(`(?:^Enum "(${NAME})" cannot represent|does not exist in "(${NAME})" enum\\.)`).exec(reason);
  if (enumType) return `not a value of enum "${enumType[1] ?? enumType[2]}".`;
  const scalar = new RegExp(`^(?:Expected type "(${NAME})"\\.|(${NAME}) cannot)`).exec(reason);
  if (scalar) return `not a valid ${scalar[1] ?? scalar[2]}.`;
  return "not a valid value.";
}
