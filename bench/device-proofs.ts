import { AdminClient } from "../clients/admin";
import { DeviceKey } from "../clients/device-key";
import { cpuPerOp, mysqldPid, pidOf, type CpuPerOp } from "./process-usage";
import { keepAliveFetch } from "./keep-alive-fetch";
import { startBenchServer } from "./server";
import { runLoad, type Summary } from "./stats";
import { PASSWORD, inParallel, newPhone, onePerPhone } from "./world";

export interface DeviceProofRow {
  name: string;
  level: string;
  summary: Summary;
  cpu: CpuPerOp;
  coresBusy: number;
}

/** Password hashing as in production (the default, 15): the point of these rows. */
const PRODUCTION_HASH_COST = 15;
/** One phone per client in flight at the highest level. */
const PHONES = 64;
const WARMUP = 300;
/** The password path at cost 15 does about ten codes a second a core: few calls, after a short warm-up. */
const PASSWORD_CALLS = 50;
const PASSWORD_WARMUP = 16;

/**
 * issuePaymentCode approved by a device's proof (docs/device-proofs.md) and by the
 * password, on a server of its own with production password hashing (cost 15), so
 * neither row is helped by the cheap hashing the other rows' server uses for setup.
 * Each phone has one request in flight at a time, as a phone does: a device's proofs
 * carry increasing counters, and two in flight could arrive out of order.
 */
export async function deviceProofRows(options: {
  mysqlBase: string;
  redisUrl?: string;
  levels: number[];
  count: Record<number, number>;
}): Promise<DeviceProofRow[]> {
  const bench = await startBenchServer({ mysqlBase: options.mysqlBase, redisUrl: options.redisUrl, passwordHashCost: PRODUCTION_HASH_COST });
  const pids = { server: bench.server.process.pid!, mysqld: mysqldPid(), redis: options.redisUrl ? pidOf("redis-server") : null, bench: process.pid };
  const rows: DeviceProofRow[] = [];
  const measure = async (name: string, level: string, work: () => Promise<Summary>) => {
    const { result, cpu, coresBusy } = await cpuPerOp(pids, work);
    rows.push({ name, level, summary: result, cpu, coresBusy });
  };
  try {
    const admin = new AdminClient(bench.url, bench.adminToken, { fetch: keepAliveFetch() });
    process.stderr.write(`setting up ${PHONES} phones with device keys at password hash cost ${PRODUCTION_HASH_COST}...\n`);
    const phones = await inParallel(PHONES, 4, async () => {
      const phone = await newPhone(admin);
      const key = await DeviceKey.generate();
      await phone.phone.registerDevice(key, "Bench phone", PASSWORD);
      return { ...phone, key };
    });
    const withPhone = onePerPhone(phones);
    const withProof = (i: number) => withPhone(i, (p) => p.phone.issuePaymentCode(p.card.id, p.key, null, "svg"));
    await runLoad(16, WARMUP, withProof);
    for (const c of options.levels) await measure("issuePaymentCode with a device proof", `c=${c}`, () => runLoad(c, options.count[c], withProof));
    // The same with the code alone: a phone app may draw the QR itself from the digits.
    const codeOnly = (i: number) => withPhone(i, (p) => p.phone.issuePaymentCode(p.card.id, p.key, null, "none"));
    await measure("issuePaymentCode with a device proof, no QR drawn", "c=16", () => runLoad(16, options.count[16] ?? 1000, codeOnly));

    const withPassword = (i: number) => withPhone(i, (p) => p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "svg"));
    await runLoad(16, PASSWORD_WARMUP, withPassword);
    await measure(`issuePaymentCode with the password, cost ${PRODUCTION_HASH_COST}`, "c=16", () => runLoad(16, PASSWORD_CALLS, withPassword));
    return rows;
  } finally {
    await bench.close();
  }
}
