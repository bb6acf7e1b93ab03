import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { AdminClient } from "../clients/admin";
import { spawnServer } from "../scripts/server-process";
import { summarizeProfile } from "./profile-summary";
import { runLoad } from "./stats";
import { PASSWORD, inParallel, newPhone, newRegisters } from "./world";

/**
 * `npm run bench:profile`: a CPU profile of the server while it redeems codes at
 * concurrency 16 (setup included, but dominated by the redeems), then where the time went.
 */
async function main(): Promise<void> {
  const mysqlBase = (process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306").replace(/\/$/, "");
  const database = `wc_profile_${randomBytes(4).toString("hex")}`;
  const c0 = await createConnection({ uri: mysqlBase });
  await c0.query(`CREATE DATABASE \`${database}\``);
  await c0.end();
  const dir = join(__dirname, "..", "..", "bench", "profiles");
  mkdirSync(dir, { recursive: true });
  const adminToken = randomBytes(24).toString("base64url");
  const server = await spawnServer(
    {
      NODE_ENV: "production",
      DATABASE_URL: `${mysqlBase}/${database}`,
      ADMIN_TOKEN: adminToken,
      CARD_KEY: randomBytes(32).toString("hex"),
      TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      DATA_DIR: mkdtempSync(join(tmpdir(), "wc-profile-")),
      INSTITUTION_LATENCY_MS: "0",
      PASSWORD_HASH_COST: "10",
      RATE_CODE_ISSUE_PER_PHONE_PER_MIN: "1000000",
      RATE_CODE_USE_PER_REGISTER_PER_MIN: "1000000",
    },
    { keepLog: false, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`] },
  );
  const started = Date.now();
  try {
    const admin = new AdminClient(server.url, adminToken);
    const phones = await inParallel(16, 16, () => newPhone(server.url, admin));
    const registers = await newRegisters(server.url, admin, 16);
    const codes = await inParallel(3000, 16, async (i) => (await phones[i % 16].phone.issuePaymentCode(phones[i % 16].card.id, PASSWORD, null, "none")).code);
    const summary = await runLoad(16, 3000, (i) => registers[i % 16].redeemCode(codes[i], { amount: 500, currency: "JPY" }, `p-${i}`));
    process.stdout.write(`redeemCode c=16: ${JSON.stringify(summary)}\n`);
  } finally {
    await server.stop();
    const c = await createConnection({ uri: mysqlBase });
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await c.end();
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
