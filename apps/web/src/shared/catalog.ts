/**
 * The shape every language's catalog shares with the English one, kept apart from the
 * browser (i18n.ts) so the catalogs can be checked outside it too (tests/unit).
 */
/**
 * A catalog of the same keys: a plain sentence stays a string, a sentence with values
 * stays a function of the same values, and a table (decline reasons, error codes) needs
 * every one of its keys again.
 */
export type Catalog<E> = {
  readonly [K in keyof E]: E[K] extends string ? string : E[K] extends (...args: infer A) => string ? (...args: A) => string : Catalog<E[K]>;
};

/** English's "1 try" and "2 tries": Intl.PluralRules picks the form; Japanese needs none. */
export function plural(count: number, one: string, other: string): string {
  return new Intl.PluralRules("en").select(count) === "one" ? one : other;
}
