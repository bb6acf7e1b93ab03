import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PAYMENT_STATUSES } from "../../src/entities/value-lists";
import { DECLINE } from "../../src/services/institutions/institution";
import { ErrorCode } from "../../src/services/kernel/errors";

const root = join(__dirname, "..", "..");
const words = readFileSync(join(root, "apps", "web", "src", "shared", "words.ts"), "utf8");
const contract = readFileSync(join(root, "api", "contract.graphql"), "utf8");

/** The keys of one `export const NAME: Record<string, string> = { ... };` of words.ts. */
function keysOf(name: string): string[] {
  const start = words.indexOf(`export const ${name}`);
  const body = words.slice(start, words.indexOf("\n};", start));
  return [...body.matchAll(/^\s+(\w+): "/gm)].map((m) => m[1]);
}

/**
 * The screens speak in words (apps/web/src/shared/words.ts): every decline reason the
 * institutions' answers are mapped onto, every error code of the contract and of the
 * server, and every payment status has a sentence, so a code the server adds later
 * cannot reach a cashier raw.
 */
describe("the web app's words for the server's codes", () => {
  it("has words for every decline reason", () => {
    expect(keysOf("DECLINE_WORDS").sort()).toEqual(expect.arrayContaining(Object.values(DECLINE).sort()));
  });

  it("has words for every error code of the contract and of the server", () => {
    const enums = [...contract.matchAll(/(?:^enum ErrorCode|^extend enum ErrorCode) \{([^}]*)\}/gm)].map((m) => m[1]);
    const contractCodes = enums.flatMap((body) => [...body.matchAll(/^\s+([A-Z_]+)/gm)].map((m) => m[1]));
    expect(contractCodes.length).toBeGreaterThanOrEqual(23);
    const known = keysOf("ERROR_WORDS");
    expect(contractCodes.filter((code) => !known.includes(code))).toEqual([]);
    expect(Object.values(ErrorCode).filter((code) => !known.includes(code))).toEqual([]);
  });

  it("has words for every payment status", () => {
    expect(PAYMENT_STATUSES.filter((status) => !keysOf("STATUS_WORDS").includes(status))).toEqual([]);
  });
});
