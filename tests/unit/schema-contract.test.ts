import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";
import { printSchemaSdl } from "../../scripts/schema-sdl";

const root = join(__dirname, "..", "..");
// The project's own copy of the public contract; each name the code builds from the next
// contract is moved into it, so this test needs nothing outside the repository.
const contractPath = join(root, "api", "contract.graphql");

describe("schema.graphql", () => {
  it("is the SDL the code builds (run `npm run build` when this fails)", async () => {
    expect(readFileSync(join(root, "schema.graphql"), "utf8")).toBe(await printSchemaSdl());
  });

  it("keeps every promise of the public contract: no type, field, argument or value missing or changed", () => {
    const contract = buildSchema(readFileSync(contractPath, "utf8"));
    const ours = buildSchema(readFileSync(join(root, "schema.graphql"), "utf8"));
    expect(findBreakingChanges(contract, ours).map((change) => change.description)).toEqual([]);
  });
});
