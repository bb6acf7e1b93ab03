import { readFileSync } from "node:fs";
import { join } from "node:path";
import { minifyIntrospection, outputIntrospectionFile } from "@gql.tada/internal";
import { buildSchema, introspectionFromSchema } from "graphql";

export const ROOT = join(__dirname, "..", "..");
export const CLIENTS = join(ROOT, "clients");
/** The clients' typed view of the schema, made from schema.graphql by `npm run build`. */
export const ENV_FILE = join(CLIENTS, "graphql-env.d.ts");
export const SDL = readFileSync(join(ROOT, "schema.graphql"), "utf8");

/** clients/graphql-env.d.ts as `npm run build` makes it from this SDL. */
export function introspectionFile(sdl: string): string {
  const introspection = minifyIntrospection(introspectionFromSchema(buildSchema(sdl)));
  return outputIntrospectionFile({ ...introspection, name: "wallet-center" }, { fileType: ".d.ts", shouldPreprocess: true });
}
