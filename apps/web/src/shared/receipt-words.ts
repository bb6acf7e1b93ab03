import { catalog } from "./i18n";
import { en } from "./receipt.en";
import { ja } from "./receipt.ja";

/** A receipt's words in the chosen language (receipt.en.ts, receipt.ja.ts). */
export const rcw = catalog(en, ja);
