import { randomBytes } from "node:crypto";
import { AdminClient } from "../clients/admin";
import type { RegisterClient } from "../clients/register";
import { keepAliveFetch } from "./keep-alive-fetch";
import { cpuPerOp, mysqldPid, type CpuPerOp } from "./process-usage";
import { REDEEM_WARMUP } from "./redeem-pairs";
import { startBenchServer, type BenchServer } from "./server";
import { runLoad, type Summary } from "./stats";
import { PASSWORD, inParallel, newPhone, newRegisters, type BenchPhone } from "./world";

/** Redeems per measured round. */
const COUNT = 1000;
/** How often the sealer's lag is read from /metrics while redeems with receipts run. */
const LAG_EVERY_MS = 250;

export interface ReceiptsRound {
  concurrency: number;
  /** Redeems with receipts signed and stored and the sealer running, as in production. */
  withReceipts: { summary: Summary; cpu: CpuPerOp };
  /** The same redeems on a server started with RECEIPTS=off (BENCH=1): no receipt, no sealer. */
  without: { summary: Summary; cpu: CpuPerOp };
  /** The sealer's lag while the redeems with receipts ran: the most receipts waiting, and the oldest one's age. */
  lag: { maxUnsealed: number; maxOldestSeconds: number; afterSeconds: number };
}

interface Side {
  bench: BenchServer;
  phones: BenchPhone[];
  registers: RegisterClient[];
  codes: string[];
  used: number;
}

/**
 * What receipts and the books cost a redeem, in one run: two servers started alike (the
 * bench's production settings, each on its own database), one as production runs (each
 * decision signs and stores its receipt, the sealer seals every BOOKS_SEAL_MS) and one with
 * RECEIPTS=off (the bench's server alone may start so: BENCH=1), their redeems run back to
 * back in rounds at c=16 and at c=64, the bench's peak, so a change in this shared
 * machine's speed hits both alike. While the redeems with receipts run, the sealer's lag
 * is read from /metrics (wallet_books_unsealed_receipts and _oldest_unsealed_age_seconds).
 */
export async function receiptsCost(options: { mysqlBase: string; redisUrl?: string; roundsAt16: number }): Promise<ReceiptsRound[]> {
  const metricsToken = randomBytes(24).toString("base64url");
  const plan = [...Array.from({ length: options.roundsAt16 }, () => 16), 64];
  const on = await startBenchServer({ mysqlBase: options.mysqlBase, redisUrl: options.redisUrl, env: { METRICS_TOKEN: metricsToken } });
  let off: BenchServer | null = null;
  try {
    off = await startBenchServer({ mysqlBase: options.mysqlBase, redisUrl: options.redisUrl, env: { RECEIPTS: "off", BENCH: "1" } });
    process.stderr.write("receipts' cost: setting up both servers...\n");
    const sides = [await side(on), await side(off)];
    const [withSide, withoutSide] = sides;
    const redeem = (s: Side, concurrency: number, count: number, tag: string) =>
      runLoad(concurrency, count, (i) => s.registers[i % s.registers.length].redeemCode(s.codes[s.used++], { amount: 500, currency: "JPY" }, `rc-${tag}-${i}`));
    for (const s of sides) {
      await issue(s, REDEEM_WARMUP);
      await redeem(s, 16, REDEEM_WARMUP, "warm");
    }
    const pids = (s: Side) => ({ server: s.bench.server.process.pid!, mysqld: mysqldPid() });
    const rounds: ReceiptsRound[] = [];
    for (const [n, concurrency] of plan.entries()) {
      // Codes live minutes (PAYMENT_CODE_TTL_SECONDS): each round's are issued just before it, unmeasured.
      for (const s of sides) await issue(s, COUNT);
      const lag = lagReader(on.url, metricsToken);
      const withReceipts = await cpuPerOp(pids(withSide), () => redeem(withSide, concurrency, COUNT, `on-${n}`));
      const seen = await lag.stop();
      const without = await cpuPerOp(pids(withoutSide), () => redeem(withoutSide, concurrency, COUNT, `off-${n}`));
      rounds.push({ concurrency, withReceipts: { summary: withReceipts.result, cpu: withReceipts.cpu }, without: { summary: without.result, cpu: without.cpu }, lag: seen });
      process.stderr.write(`  c=${concurrency}: with ${withReceipts.result.perSecond}/s, without ${without.result.perSecond}/s, lag max ${seen.maxUnsealed} receipts\n`);
    }
    return rounds;
  } finally {
    await off?.close();
    await on.close();
  }
}

async function side(bench: BenchServer): Promise<Side> {
  const admin = new AdminClient(bench.url, bench.adminToken, { fetch: keepAliveFetch() });
  const phones = await inParallel(16, 16, () => newPhone(admin));
  const registers = await newRegisters(bench.url, admin, 16);
  return { bench, phones, registers, codes: [], used: 0 };
}

/** `count` more codes for `s`, issued through its server. */
async function issue(s: Side, count: number): Promise<void> {
  const issued = await inParallel(count, 32, async (i) => {
    const p = s.phones[i % s.phones.length];
    return (await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "none")).code;
  });
  s.codes.push(...issued);
}

/** Reads the sealer's lag every LAG_EVERY_MS until stopped; then waits for the books to catch up and says how long that took. */
function lagReader(url: string, token: string) {
  let maxUnsealed = 0;
  let maxOldestSeconds = 0;
  let running = true;
  const read = async () => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
    return { unsealed: value("wallet_books_unsealed_receipts"), oldest: value("wallet_books_oldest_unsealed_age_seconds") };
  };
  const loop = (async () => {
    while (running) {
      const { unsealed, oldest } = await read();
      maxUnsealed = Math.max(maxUnsealed, unsealed);
      maxOldestSeconds = Math.max(maxOldestSeconds, oldest);
      await new Promise((resolve) => setTimeout(resolve, LAG_EVERY_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const stoppedAt = Date.now();
      while ((await read()).unsealed > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      return { maxUnsealed, maxOldestSeconds: Math.round(maxOldestSeconds * 100) / 100, afterSeconds: Math.round((Date.now() - stoppedAt) / 10) / 100 };
    },
  };
}

/** The table of the rounds, and the ratio of throughputs (without / with) at c=16, the median round. */
export function printReceiptsCost(rounds: ReceiptsRound[]): void {
  const line = (r: ReceiptsRound) => {
    const w = r.withReceipts;
    const o = r.without;
    return (
      `c=${r.concurrency}  with receipts ${w.summary.perSecond}/s p50 ${w.summary.p50} p99 ${w.summary.p99} ms (server ${w.cpu.server} ms/op, mysqld ${w.cpu.mysqld})` +
      `  without ${o.summary.perSecond}/s p50 ${o.summary.p50} p99 ${o.summary.p99} ms (server ${o.cpu.server} ms/op, mysqld ${o.cpu.mysqld})` +
      `  sealer lag: max ${r.lag.maxUnsealed} receipts, oldest ${r.lag.maxOldestSeconds} s, caught up ${r.lag.afterSeconds} s after`
    );
  };
  process.stdout.write(`\nreceipts and the books against none (redeemCode, ${COUNT} per round, back to back):\n${rounds.map(line).join("\n")}\n`);
  process.stdout.write(`cost at c=16 (1 - with/without, the median round): ${receiptsCostAt16(rounds)}\n`);
}

export function receiptsCostAt16(rounds: ReceiptsRound[]): number {
  const costs = rounds.filter((r) => r.concurrency === 16).map((r) => 1 - r.withReceipts.summary.perSecond / r.without.summary.perSecond);
  const sorted = [...costs].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 1000) / 1000;
}
