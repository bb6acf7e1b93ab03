import { catalog } from "../shared/i18n";
import { en } from "./register.en";
import { ja } from "./register.ja";

/** The register's words in the chosen language (register.en.ts, register.ja.ts). */
export const rw = catalog(en, ja);
