import "reflect-metadata";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config";
import { ReceiptKeyEntity } from "../src/entities";
import { createDataSource } from "../src/database";
import type { KeySet, TreeHead } from "../clients/wire/receipt";
import { keySetOf } from "../src/services/books/receipt-keys.service";
import { verifyBooks } from "../src/services/books/verify-books";

/**
 * npm run verify-books [-- --keys keys.json] [--head head.json ...]
 * Recomputes the books from the database named by DATABASE_URL (or DATA_DIR's SQLite)
 * and checks them against their signed tree heads and any head kept outside (each
 * --head a TreeHead as the treeHead query gives it). The receipt keys come from --keys
 * (the published key set, kept by whoever audits) or, without it, from the database
 * itself, which checks nothing an operator could not also rewrite. Prints a JSON report;
 * exits 1 when anything differs, naming the first entry where it shows.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { keys: { type: "string" }, head: { type: "string", multiple: true } } });
  const config = loadConfig();
  const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const keys: KeySet = values.keys ? (JSON.parse(readFileSync(values.keys, "utf8")) as KeySet) : keySetOf(await dataSource.manager.find(ReceiptKeyEntity));
    const kept = (values.head ?? []).map((file) => JSON.parse(readFileSync(file, "utf8")) as TreeHead);
    const report = await verifyBooks(dataSource.manager, keys, kept);
    process.stdout.write(JSON.stringify({ keysFrom: values.keys ?? "the database", ...report }, null, 2) + "\n");
    return report.findings.length === 0 ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`verify-books: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
