import { AdminClient } from "../clients/admin";
import { cpuPerOp, mysqldPid, pidOf, type CpuPerOp } from "./process-usage";
import { keepAliveFetch } from "./keep-alive-fetch";
import { redeemPairs } from "./redeem-pairs";
import { benchMysqlBase, benchRedisUrl, startBenchServer } from "./server";
import type { Summary } from "./stats";
import { inParallel, newPhone, newRegisters } from "./world";

const COUNT = 1000;

/**
 * `npm run bench:ratio [-- --rounds N] [-- --no-redis]`: only redeem against its two
 * ceilings at concurrency 16 (the server's own SQL by hand, and the least SQL that does
 * a redeem's durable job), N back-to-back rounds of the three (default 6), with each
 * process's CPU per redeem. Quicker than the whole bench (about a minute and a half) and
 * with more rounds, for telling whether a change to the redeem path moved the ratios on
 * a noisy machine.
 */
async function main(): Promise<void> {
  const mysqlBase = benchMysqlBase();
  const roundsArg = process.argv.indexOf("--rounds");
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 6;
  const redisUrl = process.argv.includes("--no-redis") ? undefined : benchRedisUrl();
  const bench = await startBenchServer({ mysqlBase, redisUrl });
  const { server, adminToken, cardKey } = bench;
  try {
    const admin = new AdminClient(server.url, adminToken, { fetch: keepAliveFetch() });
    const phones = await inParallel(16, 16, () => newPhone(admin));
    const registers = await newRegisters(server.url, admin, 16);
    const pairs = await redeemPairs({ phones, registers, cardKey, databaseUrl: bench.databaseUrl, measured: rounds * COUNT });
    await pairs.warmUp();
    const pids = { server: server.process.pid!, mysqld: mysqldPid(), redis: redisUrl ? pidOf("redis-server") : null, bench: process.pid };
    const ratios: number[] = [];
    const leastRatios: number[] = [];
    for (let run = 0; run < rounds; run++) {
      const redeem = await cpuPerOp(pids, () => pairs.redeem(16, COUNT, `q${run}`));
      const ceiling = await cpuPerOp(pids, () => pairs.ceiling(16, COUNT, `q${run}`));
      const least = await cpuPerOp(pids, () => pairs.leastWork(16, COUNT));
      ratios.push(redeem.result.perSecond / ceiling.result.perSecond);
      leastRatios.push(redeem.result.perSecond / least.result.perSecond);
      process.stdout.write(
        `round ${run + 1}: ratio ${ratios[run].toFixed(2)}, to least work ${leastRatios[run].toFixed(2)}\n` +
          `  redeem      ${line(redeem)}\n  ceiling     ${line(ceiling)}\n  least work  ${line(least)}\n`,
      );
    }
    await pairs.close();
    process.stdout.write(`ratio at c=16: median ${median(ratios)}, every round ${ratios.map((r) => r.toFixed(2)).join(" ")}\n`);
    process.stdout.write(`ratio to the least-work ceiling at c=16: median ${median(leastRatios)}, every round ${leastRatios.map((r) => r.toFixed(2)).join(" ")}\n`);
  } finally {
    await bench.close();
  }
}

function median(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)].toFixed(2);
}

function line({ result, cpu, coresBusy }: { result: Summary; cpu: CpuPerOp; coresBusy: number }): string {
  const ms = Object.entries(cpu)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${v!.toFixed(2)}`)
    .join(" ");
  return `${result.perSecond.toFixed(0)}/s p99 ${result.p99.toFixed(1)} ms (cpu ms/op: ${ms}; cores busy ${coresBusy.toFixed(2)})`;
}

main().catch((error) => {
  process.stderr.write(`bench:ratio failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
