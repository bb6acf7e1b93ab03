import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { printSchemaSdl } from "./schema-sdl";

/**
 * Writes schema.graphql at the project root (run by `npm run build`), only when the schema
 * differs: the file's time then says when the schema last changed, and the clients' types
 * made from it are made again only then.
 */
const target = join(__dirname, "..", "..", "schema.graphql");
printSchemaSdl()
  .then((sdl) => {
    if (!existsSync(target) || readFileSync(target, "utf8") !== sdl) writeFileSync(target, sdl);
  })
  .catch((error) => {
    process.stderr.write(`could not emit schema.graphql: ${error}\n`);
    process.exit(1);
  });
