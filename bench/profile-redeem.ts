import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { AdminClient } from "../clients/admin";
import { createPool } from "mysql2/promise";
import { commandsPerOp, cpuPerOp, mysqlCommandCounts, mysqldPid } from "./process-usage";
import { keepAliveFetch } from "./keep-alive-fetch";
import { benchMysqlBase, benchRedisUrl, startBenchServer } from "./server";
import { summarizeProfile } from "./profile-summary";
import { REDEEM_WARMUP } from "./redeem-pairs";
import { runLoad } from "./stats";
import { PASSWORD, inParallel, newPhone, newRegisters } from "./world";

const COUNT = 3000;

/**
 * `npm run bench:profile [-- --redis]`: the server redeems codes at concurrency 16 under
 * a CPU profile, after as many unmeasured redeems as the bench warms up with; prints throughput, CPU per redeem of each process, and where the
 * server's time went during the redeems (the setup before them is left out).
 */
async function main(): Promise<void> {
  const mysqlBase = benchMysqlBase();
  const redisUrl = process.argv.includes("--redis") ? benchRedisUrl() : undefined;
  const dir = join(__dirname, "..", "..", "bench", "profiles");
  mkdirSync(dir, { recursive: true });
  const bench = await startBenchServer({ mysqlBase, redisUrl, profileDir: dir });
  const { server, adminToken } = bench;
  const started = Date.now();
  let seconds = Infinity;
  try {
    const admin = new AdminClient(server.url, adminToken, { fetch: keepAliveFetch() });
    const phones = await inParallel(16, 16, () => newPhone(admin));
    const registers = await newRegisters(server.url, admin, 16);
    const codes = await inParallel(REDEEM_WARMUP + COUNT, 16, async (i) => (await phones[i % 16].phone.issuePaymentCode(phones[i % 16].card.id, PASSWORD, null, "none")).code);
    // Unmeasured first: the profile then shows the steady state, not V8 warming up.
    await runLoad(16, REDEEM_WARMUP, (i) => registers[i % 16].redeemCode(codes[COUNT + i], { amount: 500, currency: "JPY" }, `w-${i}`));
    const pids = { server: server.process.pid!, mysqld: mysqldPid(), bench: process.pid };
    const counters = createPool({ uri: mysqlBase, connectionLimit: 1 });
    const before = await mysqlCommandCounts(counters);
    const { result, cpu } = await cpuPerOp(pids, () =>
      runLoad(16, COUNT, (i) => registers[i % 16].redeemCode(codes[i], { amount: 500, currency: "JPY" }, `p-${i}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // the outbox's last round
    const commands = commandsPerOp(before, await mysqlCommandCounts(counters), COUNT);
    await counters.end();
    seconds = result.seconds;
    process.stdout.write(`redeemCode c=16${redisUrl ? " (Redis)" : ""}: ${JSON.stringify(result)}\nCPU ms per redeem: ${JSON.stringify(cpu)}\nMySQL commands and rows scanned per redeem: ${JSON.stringify(commands)}\n`);
  } finally {
    await bench.close();
  }
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= started)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  process.stdout.write(`\n${newest}\n${summarizeProfile(newest, seconds)}`);
}

main().catch((error) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
