import { AdminClient } from "../clients/admin";
import { cpuPerOp, mysqldPid, pidOf, type CpuPerOp } from "./process-usage";
import { keepAliveFetch } from "./keep-alive-fetch";
import { redeemPairs } from "./redeem-pairs";
import { benchMysqlBase, benchRedisUrl, startBenchServer } from "./server";
import type { Summary } from "./stats";
import { inParallel, newPhone, newRegisters } from "./world";

const COUNT = 1000;

/**
 * `npm run bench:ratio [-- --rounds N] [-- --no-redis]`: only redeem against its SQL
 * ceiling at concurrency 16, N back-to-back pairs (default 6), with each process's CPU
 * per redeem. Quicker than the whole bench (about a minute) and with more pairs, for
 * telling whether a change to the redeem path moved the ratio on a noisy machine.
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
    for (let run = 0; run < rounds; run++) {
      const redeem = await cpuPerOp(pids, () => pairs.redeem(16, COUNT, `q${run}`));
      const ceiling = await cpuPerOp(pids, () => pairs.ceiling(16, COUNT, `q${run}`));
      const ratio = redeem.result.perSecond / ceiling.result.perSecond;
      ratios.push(ratio);
      process.stdout.write(`pair ${run + 1}: ratio ${ratio.toFixed(2)}  redeem ${line(redeem)}  ceiling ${line(ceiling)}\n`);
    }
    await pairs.close();
    const sorted = [...ratios].sort((a, b) => a - b);
    process.stdout.write(`ratio at c=16: median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)}, every pair ${ratios.map((r) => r.toFixed(2)).join(" ")}\n`);
  } finally {
    await bench.close();
  }
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
