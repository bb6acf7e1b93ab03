import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { AdminClient } from "../clients/admin";
import { startBenchServer } from "./server";
import { summarizeProfile } from "./profile-summary";
import { runLoad } from "./stats";
import { PASSWORD, inParallel, newPhone, newRegisters } from "./world";

/**
 * `npm run bench:profile`: a CPU profile of the server while it redeems codes at
 * concurrency 16 (setup included, but dominated by the redeems), then where the time went.
 */
async function main(): Promise<void> {
  const mysqlBase = (process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306").replace(/\/$/, "");
  const dir = join(__dirname, "..", "..", "bench", "profiles");
  mkdirSync(dir, { recursive: true });
  const bench = await startBenchServer({ mysqlBase, profileDir: dir });
  const { server, adminToken } = bench;
  const started = Date.now();
  try {
    const admin = new AdminClient(server.url, adminToken);
    const phones = await inParallel(16, 16, () => newPhone(admin));
    const registers = await newRegisters(server.url, admin, 16);
    const codes = await inParallel(3000, 16, async (i) => (await phones[i % 16].phone.issuePaymentCode(phones[i % 16].card.id, PASSWORD, null, "none")).code);
    const summary = await runLoad(16, 3000, (i) => registers[i % 16].redeemCode(codes[i], { amount: 500, currency: "JPY" }, `p-${i}`));
    process.stdout.write(`redeemCode c=16: ${JSON.stringify(summary)}\n`);
  } finally {
    await bench.close();
  }
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= started)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  process.stdout.write(`\n${newest}\n${summarizeProfile(newest)}`);
}

main().catch((error) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
