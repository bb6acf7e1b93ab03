import { Kind, print, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type SelectionNode, type SelectionSetNode } from "graphql";
import { initGraphQLTada, type ResultOf, type TadaDocumentNode, type VariablesOf } from "gql.tada";
import type { introspection } from "./graphql-env";

/**
 * Typed GraphQL documents: each operation's result and variables are types computed from
 * schema.graphql, through graphql-env.d.ts (made from it by `npm run build`). A
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

/** The document's text as sent to the server, made once per document (see `inlineFragments`). */
export function textOf(document: AnyDocument | string): string {
  if (typeof document === "string") return document;
  let text = texts.get(document);
  if (text === undefined) texts.set(document, (text = print(inlineFragments(document))));
  return text;
}

/**
 * The document with each fragment spread replaced by the fragment's fields, as if they
 * had been written in place. A server's depth limit (graphql-armor's, src/schema/limits.ts)
 * counts a spread as two levels more, so fragments would cost the clients' operations
 * depth they do not have. Every fragment here is on the type of the field it is spread
 * in (the schema has no interfaces or unions): its fields are valid in place.
 * tests/unit/client-documents.test.ts validates the text sent for every document.
 */
export function inlineFragments(document: DocumentNode): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  if (fragments.size === 0) return document;
  // A spread with directives (e.g. @include) stays a spread, and the fragments with it.
  let spreadsLeft = false;
  const expand = (set: SelectionSetNode): SelectionSetNode => ({
    ...set,
    selections: set.selections.flatMap((selection): readonly SelectionNode[] => {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !selection.directives?.length) return expand(fragment.selectionSet).selections;
        spreadsLeft = true;
        return [selection];
      }
      return selection.selectionSet ? [{ ...selection, selectionSet: expand(selection.selectionSet) } as SelectionNode] : [selection];
    }),
  });
  // A document of fragments only is sent as it is (nothing would be left of it).
  if (!document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION)) return document;
  const definitions = document.definitions.map(
    (definition): DefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION ? { ...definition, selectionSet: expand(definition.selectionSet) } : definition,
  );
  return { ...document, definitions: spreadsLeft ? definitions : definitions.filter((definition) => definition.kind !== Kind.FRAGMENT_DEFINITION) };
}
