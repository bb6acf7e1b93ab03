import { setTimeout as sleep } from "node:timers/promises";
import { inProcessServices } from "./scale/in-process";
import { benchMysqlBase, startBenchServer } from "./server";

/** Webhooks in the burst, as one transaction's: what one destination's dispatch queue takes. */
const BURST = 1000;
/** How long the receiver takes to answer each. */
const ANSWER_MS = 150;

interface BurstRow {
  mostInFlight: number;
  seconds: number;
  delivered: number;
}

/**
 * npm run bench:webhooks: a burst of BURST webhooks to one receiver that answers in
 * ANSWER_MS, through the outbox as an instance runs it (in this process, on a fresh MySQL
 * database the bench's server migrated), once with the receiver held to 4 at once (the
 * least, OUTBOX_DESTINATION_MAX_IN_FLIGHT=4) and once as deployed (the limit learned from
 * its answers, up to 64). The receiver is the handler itself, so what is measured is the
 * outbox's pace, not HTTP's.
 */
async function main(): Promise<void> {
  const bench = await startBenchServer({ mysqlBase: benchMysqlBase(), databasePrefix: "wc_bench_hooks_" });
  try {
    const rows: Array<[string, BurstRow]> = [];
    for (const [label, most] of [["4 at once", "4"], ["learned, up to 64", "64"]] as const) {
      rows.push([label, await burst(bench, most)]);
    }
    process.stdout.write(`\n${BURST} webhooks to one receiver answering in ${ANSWER_MS} ms\n`);
    process.stdout.write("limit               delivered   seconds   per second   most at once\n");
    for (const [label, row] of rows) {
      process.stdout.write(
        `${label.padEnd(18)}  ${String(row.delivered).padStart(9)}   ${row.seconds.toFixed(2).padStart(7)}   ${(row.delivered / row.seconds).toFixed(0).padStart(10)}   ${String(row.mostInFlight).padStart(12)}\n`,
      );
    }
  } finally {
    await bench.close();
  }
}

/** One burst, given up after 60 s (at 4 at once, messages that wait past their lease go to the poller). */
async function burst(bench: Awaited<ReturnType<typeof startBenchServer>>, most: string): Promise<BurstRow> {
  const instance = await inProcessServices(bench, { OUTBOX_DESTINATION_MAX_IN_FLIGHT: most });
  try {
    const { outbox } = instance.services;
    let now = 0;
    let mostInFlight = 0;
    let delivered = 0;
    outbox.register("bench.hook", async () => {
      mostInFlight = Math.max(mostInFlight, ++now);
      await sleep(ANSWER_MS);
      now--;
      delivered++;
    });
    outbox.start();
    const started = performance.now();
    await instance.deps.db.tx(async (tx) => {
      for (let n = 0; n < BURST; n++) outbox.send(tx, "bench.hook", { n });
    });
    while (delivered < BURST && performance.now() - started < 60_000) await sleep(10);
    return { mostInFlight, delivered, seconds: (performance.now() - started) / 1000 };
  } finally {
    await instance.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
