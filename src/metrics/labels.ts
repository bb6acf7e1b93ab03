import { Kind, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { ErrorCode } from "../services/kernel/errors";
import { DECLINE } from "../services/institutions/institution";
import { PAYMENT_STATUSES } from "../entities/value-lists";

/**
 * Label values come from fixed sets only: the schema's own field names, the contract's
 * error codes, our statuses and decline reasons. Whatever a client or an institution
 * sends that is not in a set is "other", so a stranger cannot grow the number of series
 * (and no id, phone number, code or key is ever a label).
 */
export const OTHER = "other";

/** The root fields of the schema (Query, Mutation, Subscription): the operations a label may name. */
export function operationNames(schema: GraphQLSchema): ReadonlySet<string> {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  return new Set(roots.flatMap((type) => (type ? Object.keys(type.getFields()) : [])));
}

/**
 * The operation a request runs, named by its root field (clients send anonymous
 * documents, and an operation's own name is the client's to choose): the field when
 * every root selection is that one field (aliases of it included), "multiple" when the
 * document asks for several, "other" when it did not parse or names no known field.
 */
export function operationOf(operation: OperationDefinitionNode | null | undefined, known: ReadonlySet<string>): string {
  if (!operation) return OTHER;
  let name: string | null = null;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return OTHER;
    const field = selection.name.value;
    if (name !== null && field !== name) return "multiple";
    name = field;
  }
  return name !== null && known.has(name) ? name : OTHER;
}

const ERROR_CODES: ReadonlySet<string> = new Set([...Object.values(ErrorCode), "INTERNAL_SERVER_ERROR"]);

/** "ok", or the first error code the response carried (after formatError, so a contract code). */
export function outcomeOf(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): string {
  if (!errors || errors.length === 0) return "ok";
  const code = String(errors[0].extensions?.code ?? "INTERNAL_SERVER_ERROR");
  return ERROR_CODES.has(code) ? code : OTHER;
}

const STATUSES: ReadonlyMap<string, string> = new Map(PAYMENT_STATUSES.map((s) => [s, s.toLowerCase()]));
const DECLINE_REASONS: ReadonlySet<string> = new Set(Object.values(DECLINE));

/** A payment status as a label: "approved", "declined", "pending_confirmation", ... */
export function statusLabel(status: string): string {
  return STATUSES.get(status) ?? OTHER;
}

/** A decline reason as a label: one of the normalized reasons, "none" when not declined. */
export function declineLabel(reason: string | null): string {
  if (reason === null) return "none";
  return DECLINE_REASONS.has(reason) ? reason : OTHER;
}

/**
 * An outbox destination as a label: "institution", "partner" or "push". A partner's id is
 * an id, so partners are counted together, as are every phone's pushes (docs/push.md);
 * `deadMessages` (admin) names each one.
 */
export function destinationLabel(destination: string | null): string {
  if (destination === null) return OTHER;
  const kind = destination.split(":")[0];
  return kind === "institution" || kind === "partner" || kind === "push" ? kind : OTHER;
}
