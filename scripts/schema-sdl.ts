import { lexicographicSortSchema, printSchema } from "graphql";
import { buildWalletSchema } from "../src/schema/build-schema";

const HEADER = "# Generated from the code by `npm run build` (scripts/emit-schema.ts). Do not edit.\n\n";

/** The SDL the code builds, sorted so that the file changes only when the schema does. */
export async function printSchemaSdl(): Promise<string> {
  return HEADER + printSchema(lexicographicSortSchema(await buildWalletSchema())) + "\n";
}
