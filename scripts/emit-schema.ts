import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { printSchemaSdl } from "./schema-sdl";

/** Writes schema.graphql at the project root (run by `npm run build`). */
printSchemaSdl()
  .then((sdl) => writeFileSync(join(__dirname, "..", "..", "schema.graphql"), sdl))
  .catch((error) => {
    process.stderr.write(`could not emit schema.graphql: ${error}\n`);
    process.exit(1);
  });
