import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PAYMENT_STATUSES } from "../../src/entities/value-lists";
import { DECLINE } from "../../src/services/institutions/institution";
import { ErrorCode } from "../../src/services/kernel/errors";
import { en } from "../../apps/web/src/shared/words.en";
import { ja } from "../../apps/web/src/shared/words.ja";

const contract = readFileSync(join(__dirname, "..", "..", "api", "contract.graphql"), "utf8");
const LANGUAGES = { en, ja };

/**
 * The screens speak in words (apps/web/src/shared/words.en.ts and words.ja.ts): every
 * decline reason the institutions' answers are mapped onto, every error code of the
 * contract and of the server, and every payment status has a sentence in each language,
 * so a code the server adds later cannot reach a cashier raw.
 */
describe.each(Object.entries(LANGUAGES))("the web app's words (%s) for the server's codes", (_name, words) => {
  it("has words for every decline reason", () => {
    expect(Object.values(DECLINE).filter((reason) => !(words.decline as Record<string, string>)[reason])).toEqual([]);
  });

  it("has words for every error code of the contract and of the server", () => {
    const enums = [...contract.matchAll(/(?:^enum ErrorCode|^extend enum ErrorCode) \{([^}]*)\}/gm)].map((m) => m[1]);
    const contractCodes = enums.flatMap((body) => [...body.matchAll(/^\s+([A-Z_]+)/gm)].map((m) => m[1]));
    expect(contractCodes.length).toBeGreaterThanOrEqual(23);
    const known = words.error as Record<string, string>;
    expect(contractCodes.filter((code) => !known[code])).toEqual([]);
    expect(Object.values(ErrorCode).filter((code) => !known[code])).toEqual([]);
  });

  it("has words for every payment status", () => {
    expect(PAYMENT_STATUSES.filter((status) => !(words.status as Record<string, string>)[status])).toEqual([]);
  });
});
