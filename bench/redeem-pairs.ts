import { createPool, type Pool } from "mysql2/promise";
import type { RegisterClient } from "../clients/register";
import { CardCipher, parseCardKey } from "../src/services/crypto/card-cipher";
import { hmacHex } from "../src/services/crypto/tokens";
import { redeemBySql } from "./sql-ceiling";
import { runLoad, type Summary } from "./stats";
import { PASSWORD, inParallel, type BenchPhone } from "./world";

/** Unmeasured calls before the measured runs: the JIT compiles the path first. */
export const WARMUP = 300;

/**
 * Redeems through the server and the same SQL by hand (the ceiling), on codes issued
 * through the server the same way, so the two can run back to back: a change in the
 * machine's speed then hits both sides of the ratio alike.
 */
export interface RedeemPairs {
  redeem(concurrency: number, count: number, tag: string): Promise<Summary>;
  ceiling(concurrency: number, count: number, tag: string): Promise<Summary>;
  /** Runs WARMUP of each. */
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
  /** Redeems each side will do, warm-up included. */
  perSide: number;
}): Promise<RedeemPairs> {
  const { phones, registers, perSide } = options;
  const issue = (count: number) =>
    inParallel(count, 64, async (i) => {
      const p = phones[i % phones.length];
      return (await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "none")).code;
    });
  const codes = [...(options.issued ?? [])];
  codes.push(...(await issue(Math.max(0, perSide - codes.length))));
  const codeHashKey = new CardCipher(parseCardKey(options.cardKey)).codeHashKey;
  const sqlCodes = (await issue(perSide)).map((code) => hmacHex(codeHashKey, code));
  const mysql: Pool = createPool({ uri: options.databaseUrl, connectionLimit: 64, timezone: "Z", multipleStatements: true });
  const [[store]] = (await mysql.query("SELECT id FROM stores LIMIT 1")) as unknown as [[{ id: string }]];
  let used = 0;
  let sqlUsed = 0;
  const redeem = (concurrency: number, count: number, tag: string) =>
    runLoad(concurrency, count, (i) => registers[i % registers.length].redeemCode(codes[used++], { amount: 500, currency: "JPY" }, `r-${tag}-${i}`));
  const ceiling = (concurrency: number, count: number, tag: string) =>
    runLoad(concurrency, count, (i) => redeemBySql(mysql, sqlCodes[sqlUsed++], store.id, "bench", `s-${tag}-${i}`));
  return {
    redeem,
    ceiling,
    warmUp: async () => {
      await redeem(16, WARMUP, "warm");
      await ceiling(16, WARMUP, "warm");
    },
    close: () => mysql.end(),
  };
}
