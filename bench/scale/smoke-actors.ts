import { benchMysqlBase, startBenchServer } from "../server";
import { makeActors } from "./make-actors";

/** Development check: makes the actors on a fresh server and prints what was made. */
async function main(): Promise<void> {
  const bench = await startBenchServer({ mysqlBase: benchMysqlBase(), databasePrefix: process.env.BENCH_DB_PREFIX, env: process.env.PORT ? { PORT: process.env.PORT } : {} });
  try {
    const t0 = Date.now();
    const actors = await makeActors(bench, bench.databaseUrl, Number(process.env.PHONES ?? 8));
    process.stdout.write(`made in ${Date.now() - t0} ms: store ${actors.store.id} (${actors.store.registerKeys.length} registers), partner ${actors.partner.id}, event ${actors.event.id}, ${actors.phones.length} phones\n`);
  } finally {
    await bench.close();
  }
}
main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
