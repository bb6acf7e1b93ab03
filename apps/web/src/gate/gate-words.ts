import { WalletApiError } from "@clients/common";
import { catalog } from "../shared/i18n";
import { errorWords } from "../shared/words";
import { en } from "./gate.en";
import { ja } from "./gate.ja";

/** The gate's words in the chosen language (gate.en.ts, gate.ja.ts). */
export const gw = catalog(en, ja);

/** A failure as one sentence to the attendant: the gate's own words for its key, else the shared words, never the server's English. */
export function gateErrorWords(error: unknown): string {
  const own = error instanceof WalletApiError ? (gw.error as Record<string, string | undefined>)[error.code] : undefined;
  return own ?? errorWords(error);
}
