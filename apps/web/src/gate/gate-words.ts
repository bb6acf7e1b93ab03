import { catalog } from "../shared/i18n";
import { en } from "./gate.en";
import { ja } from "./gate.ja";

/** The gate's words in the chosen language (gate.en.ts, gate.ja.ts). */
export const gw = catalog(en, ja);
