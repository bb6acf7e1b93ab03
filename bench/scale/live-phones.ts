import { randomInt } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { keepAliveFetch } from "../keep-alive-fetch";
import { closeAll, deliveryLatency, subscribedPhones } from "../live";
import { cpuPerOp, mysqldPid, pidOf, rssOf, type CpuPerOp } from "../process-usage";
import { benchMysqlBase, benchRedisUrl, redisAnswers } from "../server";
import type { Summary } from "../stats";
import { PASSWORD, inParallel, newRegisters } from "../world";
import { LeanSubscription } from "./lean-subscription";
import { startLoadServer } from "./load-server";

/**
 * Ten thousand phones and two hundred gates live on one instance: every phone holds a
 * subscription to its confirmation requests, every gate one to its event's admissions,
 * while registers ask `perSecond` phones a second to confirm a payment. Measured: the
 * time from a register's redeem to its phone receiving the request (goal: p99 under
 * 100 ms), and the server's memory per idle phone (goal: under 100 KB), as the growth of
 * its RSS from the phones that take part in the payments to all of them.
 */
export interface LivePhonesOptions {
  mysqlBase?: string;
  redisUrl?: string | null;
  /** Subscribed phones in all (default 10,000). */
  phones?: number;
  /** Of those, the phones that are asked to confirm a payment, one each (default: ten seconds' worth). */
  activePhones?: number;
  /** Gate subscriptions, each on its own socket with its own GATE key (default 200). */
  gates?: number;
  /** Payments a second (default 100). */
  perSecond?: number;
  port?: number;
  databasePrefix?: string;
  env?: Record<string, string>;
}

export interface LivePhonesResult {
  phones: number;
  activePhones: number;
  gates: number;
  perSecond: number;
  delivery: Summary;
  cpu: CpuPerOp;
  coresBusy: number;
  /** Server RSS with the gates only, with the active phones too, and with every phone. */
  rssGatesMB: number;
  rssActiveMB: number;
  rssAllMB: number;
  /** (RSS with every phone - with the active ones) / the idle phones. */
  perIdlePhoneKB: number;
  /** Open file descriptors of the server and of this process with every socket open. */
  serverFds: number;
  benchFds: number;
  /** This process's own RSS with every socket open: the client side's cost. */
  benchRssMB: number;
  /** CPU milliseconds per second (so thousandths of a core) each process spent with every phone subscribed and idle. */
  idleCpu: CpuPerOp;
  /** Gate subscriptions still open at the end (every one, unless the server dropped some). */
  gatesOpen: number;
}

/**
 * Logins in flight at once from this one address: each counts as a failure until its
 * password proves right, and 20 at once from one address is where the server's guessing
 * throttle starts refusing (src/services/kernel/guess-throttle.ts).
 */
const SETUP_CONCURRENCY = 16;
/** Seconds the CPU of every phone idle is measured over. */
const IDLE_SECONDS = 5;
/** Time for the server's collector to catch up before memory is read. */
const SETTLE_MS = 3000;

export async function livePhonesSection(options: LivePhonesOptions = {}): Promise<{ result: LivePhonesResult; print: () => void }> {
  const mysqlBase = options.mysqlBase ?? benchMysqlBase();
  const redisUrl = options.redisUrl === null ? undefined : (options.redisUrl ?? ((await redisAnswers(benchRedisUrl())) ? benchRedisUrl() : undefined));
  const phones = options.phones ?? 10_000;
  const perSecond = options.perSecond ?? 100;
  const active = Math.min(phones, options.activePhones ?? perSecond * 10);
  const gates = options.gates ?? 200;
  checkDescriptors(phones + gates);
  const bench = await startLoadServer({
    mysqlBase,
    redisUrl,
    institutionLatencyMs: 0,
    databasePrefix: options.databasePrefix,
    port: options.port,
    env: options.env,
  });
  const gateSockets: LeanSubscription[] = [];
  const idleSockets: LeanSubscription[] = [];
  let activePhones: Awaited<ReturnType<typeof subscribedPhones>> = [];
  try {
    const pid = bench.server.process.pid!;
    const pids = { server: pid, mysqld: mysqldPid(), redis: redisUrl ? pidOf("redis-server") : null, bench: process.pid };
    const transport = { fetch: keepAliveFetch(64) };
    const admin = new AdminClient(bench.url, bench.adminToken, transport);
    const registers = await newRegisters(bench.url, admin, 16);

    process.stderr.write(`subscribing ${gates} gates...\n`);
    const partner = await admin.createPartner("Live Venue");
    const partnerClient = new PartnerClient(bench.url, (await admin.issueApiKey("PARTNER", partner.id)).key, transport);
    const doorsOpenAt = new Date(Date.now() + 3600_000);
    const event = await partnerClient.createEvent({ title: "Live Night", venue: "Hall", doorsOpenAt: doorsOpenAt.toISOString(), startsAt: new Date(doorsOpenAt.getTime() + 3600_000).toISOString() });
    const admissions = "subscription ($eventId: ID!) { admissions(eventId: $eventId) { id } }";
    await inParallel(gates, SETUP_CONCURRENCY, async () => {
      const key = (await admin.issueApiKey("GATE", partner.id)).key;
      const socket = new LeanSubscription(bench.url, key, admissions, { eventId: event.id });
      gateSockets.push(socket);
      await socket.ready;
    });
    await settle();
    const rssGates = rssOf(pid);

    process.stderr.write(`subscribing ${active} phones that will confirm a payment...\n`);
    // Their codes are issued once every phone is subscribed: a code lives five minutes
    // (PAYMENT_CODE_TTL_SECONDS), less than ten thousand phones take to set up.
    activePhones = await subscribedPhones(admin, active, false);
    await settle();
    const rssActive = rssOf(pid);

    process.stderr.write(`subscribing ${phones - active} idle phones...\n`);
    const serial = randomInt(1_000_000);
    const requests = "subscription { confirmationRequests { id } }";
    await inParallel(phones - active, SETUP_CONCURRENCY, async (i) => {
      const phoneNumber = `+8190${String(10_000_000 + ((serial + i) % 89_999_999))}`;
      await admin.enrollCustomer({ phone: phoneNumber, name: "Idle Customer", password: PASSWORD });
      const phone = new PhoneClient(bench.url, undefined, transport);
      const { token } = await phone.login(phoneNumber, PASSWORD);
      const socket = new LeanSubscription(bench.url, token, requests);
      idleSockets.push(socket);
      await socket.ready;
    });
    await settle();
    const rssAll = rssOf(pid);
    const serverFds = descriptorsOf(pid);
    const benchFds = descriptorsOf(process.pid);
    const benchRss = rssOf(process.pid);
    // What the subscribed phones cost with nothing happening: the server re-checks every
    // open socket's credential twice a second (src/open-sockets.ts), which grows with them.
    const idle = await cpuPerOp(pids, async () => {
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      return { count: IDLE_SECONDS };
    });

    process.stderr.write(`issuing a code to each of the ${active} active phones...\n`);
    await inParallel(active, 16, async (i) => {
      const p = activePhones[i];
      p.code = (await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "none")).code;
    });
    process.stderr.write(`${perSecond} payments a second to ${active} phones...\n`);
    const { result: delivery, cpu, coresBusy } = await cpuPerOp(pids, () => deliveryLatency(activePhones, registers, perSecond));
    const result: LivePhonesResult = {
      phones,
      activePhones: active,
      gates,
      perSecond,
      delivery,
      cpu,
      coresBusy,
      rssGatesMB: mb(rssGates),
      rssActiveMB: mb(rssActive),
      rssAllMB: mb(rssAll),
      perIdlePhoneKB: phones > active ? Math.round(((rssAll - rssActive) / (phones - active) / 1024) * 10) / 10 : NaN,
      serverFds,
      benchFds,
      benchRssMB: mb(benchRss),
      idleCpu: idle.cpu,
      gatesOpen: gateSockets.filter((s) => s.open).length,
    };
    return { result, print: () => printLivePhones(result) };
  } finally {
    await closeAll(activePhones);
    await inParallel(idleSockets.length, 256, (i) => idleSockets[i].close());
    await inParallel(gateSockets.length, 64, (i) => gateSockets[i].close());
    await bench.close();
  }
}

export function printLivePhones(r: LivePhonesResult): void {
  const d = r.delivery;
  process.stdout.write(
    [
      "",
      `live: ${r.phones} phones (${r.activePhones} asked to confirm, one payment each) and ${r.gates} gates subscribed, ${r.perSecond} payments/s`,
      `  delivery: ${d.count} delivered, ${d.errors} errors, ${d.perSecond}/s, p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms (goal: p99 < 100 ms)`,
      `  cpu ms per payment: server ${r.cpu.server}, mysqld ${r.cpu.mysqld}, bench ${r.cpu.bench}; cores busy ${r.coresBusy}`,
      `  server RSS: ${r.rssGatesMB} MB with the gates, ${r.rssActiveMB} MB with the ${r.activePhones} active phones, ${r.rssAllMB} MB with all ${r.phones}`,
      `  per idle phone: ${r.perIdlePhoneKB} KB (goal: < 100 KB)`,
      `  idle, every phone subscribed: server ${r.idleCpu.server} ms of CPU a second, mysqld ${r.idleCpu.mysqld}, bench ${r.idleCpu.bench}`,
      `  file descriptors: server ${r.serverFds}, bench ${r.benchFds}; bench RSS ${r.benchRssMB} MB; gate sockets open at the end: ${r.gatesOpen}/${r.gates}`,
      "",
    ].join("\n"),
  );
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

function descriptorsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * Each subscription is a socket on both sides: this process and the server (which
 * inherits this process's limits) each need a descriptor per socket, beyond their own.
 */
function checkDescriptors(sockets: number): void {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
  const soft = Number(line?.split(/\s{2,}/)[1]);
  if (Number.isFinite(soft) && soft < sockets + 1000) {
    throw new Error(`${sockets} sockets need more file descriptors than the limit of ${soft}: raise it (ulimit -n ${sockets + 1000}) first`);
  }
}

/** Alone: node dist/bench/scale/live-phones.js [--phones=N] [--active=N] [--gates=N] [--rate=N] [--port=N] [--env=NAME=value] */
if (require.main === module) {
  const arg = (name: string) => {
    const value = process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
    return value === undefined ? undefined : Number(value);
  };
  // --env=NAME=value (repeatable): more server environment, e.g. WS_CREDENTIAL_RECHECK_MS to compare.
  const env = Object.fromEntries(process.argv.filter((a) => a.startsWith("--env=")).map((a) => a.slice("--env=".length).split(/=(.*)/s, 2)));
  livePhonesSection({ phones: arg("phones"), activePhones: arg("active"), gates: arg("gates"), perSecond: arg("rate"), port: arg("port"), env })
    .then(({ print }) => print())
    .catch((error) => {
      process.stderr.write(`live phones section failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
