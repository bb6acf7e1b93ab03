import { print, type DocumentNode } from "graphql";
import { initGraphQLTada, type ResultOf, type TadaDocumentNode, type VariablesOf } from "gql.tada";
import type { introspection } from "./graphql-env";

/**
 * Typed GraphQL documents: each operation's result and variables are types computed from
 * schema.graphql, through graphql-env.d.ts (made from it by `npm run build:clients`). A
 * field the schema no longer has, or whose type changed, fails the clients' type check.
 * Fragments are not masked: a query that spreads one gets its fields in its own result.
 */
const tada = initGraphQLTada<{
  introspection: introspection;
  disableMasking: true;
  scalars: { DateTime: string; ID: string };
}>();

const made: DocumentNode[] = [];

/** gql.tada's `graphql`, keeping each document it makes for `documentsMade`. */
export const graphql: typeof tada = Object.assign(
  ((...args: unknown[]) => {
    const document = (tada as (...args: unknown[]) => DocumentNode)(...args);
    made.push(document);
    return document;
  }) as typeof tada,
  tada,
);

/**
 * Every document the loaded client modules made (fragments included), for a check of
 * them all against the schema the server runs (tests/unit/client-documents.test.ts).
 */
export const documentsMade = (): readonly DocumentNode[] => made;

export type { ResultOf, TadaDocumentNode, VariablesOf };

/** Any typed document of these clients. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDocument = TadaDocumentNode<any, any, any>;

const texts = new WeakMap<object, string>();

/** The document's text as sent to the server, printed once per document. */
export function textOf(document: AnyDocument | string): string {
  if (typeof document === "string") return document;
  let text = texts.get(document);
  if (text === undefined) texts.set(document, (text = print(document)));
  return text;
}
