import { createPool, type Pool } from "mysql2/promise";
import type { RegisterClient } from "../clients/register";
import { parseKey } from "../src/services/crypto/key-ring";
import { purposeKeys } from "../src/services/crypto/purpose-keys";
import { redeemByLeastSql, redeemBySql } from "./sql-ceiling";
import { runLoad, type Summary } from "./stats";
import { PASSWORD, inParallel, type BenchPhone } from "./world";

/**
 * Unmeasured redeems on each side before the measured runs. Measured: the server's CPU
 * per redeem falls for the first three to four thousand (1.3 ms, then 0.9, settling at
 * 0.7-0.8 as V8 optimizes the path and sizes its young generation); a few hundred left
 * the first pairs measuring a server still warming up.
 */
export const REDEEM_WARMUP = 3000;

/**
 * Redeems through the server, the same SQL by hand (the ceiling), and the least SQL that
 * does a redeem's durable job (the least-work ceiling), each on codes issued through the
 * server the same way, so they can run back to back: a change in the machine's speed
 * then hits every side of a ratio alike.
 */
export interface RedeemPairs {
  redeem(concurrency: number, count: number, tag: string): Promise<Summary>;
  ceiling(concurrency: number, count: number, tag: string): Promise<Summary>;
  leastWork(concurrency: number, count: number): Promise<Summary>;
  /** Runs REDEEM_WARMUP of each. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

export async function redeemPairs(options: {
  phones: BenchPhone[];
  registers: RegisterClient[];
  cardKey: string;
  databaseUrl: string;
  /** Codes already issued for the server side, used first. */
  issued?: string[];
  /** Measured redeems each side will do, besides the warm-up. */
  measured: number;
}): Promise<RedeemPairs> {
  const { phones, registers } = options;
  const perSide = REDEEM_WARMUP + options.measured;
  const issue = (count: number) =>
    inParallel(count, 64, async (i) => {
      const p = phones[i % phones.length];
      return (await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "none")).code;
    });
  const codes = [...(options.issued ?? [])];
  codes.push(...(await issue(Math.max(0, perSide - codes.length))));
  // The server runs with CARD_KEY only, so its code-hash key is the one derived from it.
  const codeHashes = purposeKeys({ card: { current: parseKey(options.cardKey), previous: [] }, codeHash: { previous: [] }, cardFingerprint: { previous: [] }, webhookSecret: { previous: [] } }).codes;
  const sqlCodes = (await issue(perSide)).map((code) => codeHashes.hash(code));
  const leastCodes = (await issue(perSide)).map((code) => codeHashes.hash(code));
  const mysql: Pool = createPool({ uri: options.databaseUrl, connectionLimit: 64, timezone: "Z", multipleStatements: true });
  const [[store]] = (await mysql.query("SELECT id FROM stores LIMIT 1")) as unknown as [[{ id: string }]];
  let used = 0;
  let sqlUsed = 0;
  let leastUsed = 0;
  const redeem = (concurrency: number, count: number, tag: string) =>
    runLoad(concurrency, count, (i) => registers[i % registers.length].redeemCode(codes[used++], { amount: 500, currency: "JPY" }, `r-${tag}-${i}`));
  const ceiling = (concurrency: number, count: number, tag: string) =>
    runLoad(concurrency, count, (i) => redeemBySql(mysql, sqlCodes[sqlUsed++], store.id, "bench", `s-${tag}-${i}`));
  const leastWork = (concurrency: number, count: number) => runLoad(concurrency, count, () => redeemByLeastSql(mysql, leastCodes[leastUsed++], store.id));
  return {
    redeem,
    ceiling,
    leastWork,
    warmUp: async () => {
      await redeem(16, REDEEM_WARMUP, "warm");
      await ceiling(16, REDEEM_WARMUP, "warm");
      await leastWork(16, REDEEM_WARMUP);
    },
    close: () => mysql.end(),
  };
}
