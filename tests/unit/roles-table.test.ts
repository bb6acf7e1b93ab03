import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getMetadataStorage } from "type-graphql";
import { buildWalletSchema } from "../../src/schema/build-schema";

/**
 * The README's table of who may call what is read by app developers as the rule: it must
 * say exactly what the resolvers' @Authorized roles say, operation by operation.
 */
describe("the README's roles table", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("<!-- roles:start"), readme.indexOf("<!-- roles:end -->"));
  const documented = new Map<string, { queries: string[]; mutations: string[]; feeds: string[] }>();
  const names = (cell: string) => [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
  for (const line of table.split("\n").filter((l) => /^\| [a-z]+ \|/.test(l))) {
    const [role, , queries, mutations, feeds] = line.split(" | ").map((cell) => cell.replace(/^\| |\s*\|$/g, ""));
    documented.set(role.toUpperCase(), { queries: names(queries), mutations: names(mutations), feeds: names(feeds) });
  }

  it("lists every query and mutation under exactly the roles that may call it", async () => {
    const schema = await buildWalletSchema();
    const storage = getMetadataStorage();
    const rolesOf = (target: Function, field: string): string[] => {
      const own = storage.authorizedFields.find((a) => a.target === target && a.fieldName === field);
      const ofClass = storage.authorizedResolver.find((a) => a.target === target);
      const roles = (own ?? ofClass)?.roles as string[] | undefined;
      return roles?.length ? roles : ["ANYONE"];
    };
    const actual = new Map<string, { queries: string[]; mutations: string[] }>();
    for (const [kind, list] of [["queries", storage.queries], ["mutations", storage.mutations]] as const) {
      for (const resolver of list) {
        for (const role of rolesOf(resolver.target, resolver.methodName)) {
          const entry = actual.get(role) ?? { queries: [], mutations: [] };
          entry[kind].push(resolver.schemaName);
          actual.set(role, entry);
        }
      }
    }
    expect(documented.size).toBeGreaterThanOrEqual(5);
    for (const [role, { queries, mutations }] of actual) {
      expect({ role, queries: documented.get(role)?.queries, mutations: documented.get(role)?.mutations }).toEqual({
        role,
        queries: [...queries].sort(),
        mutations: [...mutations].sort(),
      });
    }
    // Every live feed the schema has is in the table, and nothing else.
    const feeds = new Set([...documented.values()].flatMap((entry) => entry.feeds));
    expect([...feeds].sort()).toEqual(Object.keys(schema.getSubscriptionType()!.getFields()).sort());
  });
});
