import { AdminClient } from "../../clients/admin";
import type { ClientOptions } from "../../clients/common";
import { GateClient, snapshotPages, type OfflineScanInput } from "../../clients/gate";
import { MAX_SCANS_PER_SYNC } from "../../clients/offline-gate";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { encodeCursor } from "../../src/services/kernel/cursor";
import { inParallel, onePerPhone } from "../world";
import type { InProcess } from "./in-process";
import type { MadeActors } from "./make-actors";

/** One call of a path; `i` counts the path's calls, warm-up included. */
export type Call = (i: number) => Promise<unknown>;

/** What a path may use besides the actors. */
export interface PathContext {
  /** The services in the bench's process, on the same database (in-process.ts). */
  inProcess: InProcess;
  /** Calls the runner will make of this path (warm-up and measured), for paths that prepare one input per call. */
  calls: number;
}

/**
 * A measured path: `make` prepares (unmeasured) and answers the call runLoad times. The
 * runner calls it on the empty and on the seeded database with the same actors' kind.
 */
export interface ScalePath {
  name: string;
  /** Clients in flight (default 16, the level the goals name). */
  concurrency?: number;
  /** A share of the runner's call count, for a path whose call is much more work than one request. */
  callsFactor?: number;
  make(actors: MadeActors, transport: ClientOptions, context: PathContext): Promise<Call>;
}

/** Scans per syncScans call, as issue 34 names it: a gate back online after a while. */
export const SCANS_PER_SYNC = 1000;
const PASSES = 50;
const DAY_MS = 86_400_000;

const registersOf = (actors: MadeActors, transport: ClientOptions) => actors.store.registerKeys.map((key) => new RegisterClient(actors.url, key, transport));
const partnerOf = (actors: MadeActors, transport: ClientOptions) => new PartnerClient(actors.url, actors.partner.apiKey, transport);
const gateOf = (actors: MadeActors, transport: ClientOptions) => new GateClient(actors.url, actors.event.gateKey, transport);
const adminOf = (actors: MadeActors, transport: ClientOptions) => new AdminClient(actors.url, actors.adminToken, transport);
/** YYYY-MM-DD of `daysAgo` days before today (UTC, the store's time zone). */
const dayOf = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);

/** Pages read to the last; how many. */
async function walk(pages: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _page of pages) count++;
  return count;
}

/** A register's call, round-robin over the store's registers. */
function byRegister(actors: MadeActors, transport: ClientOptions, call: (register: RegisterClient, i: number) => Promise<unknown>): Promise<Call> {
  const registers = registersOf(actors, transport);
  return Promise.resolve((i: number) => call(registers[i % registers.length], i));
}

/** The paths issue 34 names, in the order the table prints them. */
export const PATHS: ScalePath[] = [
  {
    name: "redeemCode",
    async make(actors, transport, { calls }) {
      const registers = registersOf(actors, transport);
      const withPhone = onePerPhone(actors.phones);
      // Codes issued beforehand (by device proof, the cheapest approval), one per call.
      const codes = await inParallel(calls, 16, (i) => withPhone(i, async (p) => (await p.phone.issuePaymentCode(p.card.id, p.key, null, "none")).code));
      let next = 0;
      return () => {
        const n = next++;
        // Amounts from 500 to 2,400, so the amount search finds some on both sides.
        return registers[n % registers.length].redeemCode(codes[n], { amount: 500 + (n % 20) * 100, currency: "JPY" }, `scale-redeem-${n}`);
      };
    },
  },
  {
    name: "issuePaymentCode with a device proof",
    async make(actors) {
      const withPhone = onePerPhone(actors.phones);
      return (i) => withPhone(i, (p) => p.phone.issuePaymentCode(p.card.id, p.key, null, "svg"));
    },
  },
  { name: "store payments page (register)", make: (a, t) => byRegister(a, t, (r) => r.payments(20)) },
  {
    name: "store payments page 2 (register)",
    async make(actors, transport) {
      const registers = registersOf(actors, transport);
      const after = (await registers[0].payments(20)).nextCursor ?? null;
      return (i) => registers[i % registers.length].payments(20, after);
    },
  },
  { name: "searchPayments by reference", make: (a, t) => byRegister(a, t, (r, i) => r.searchPayments({ reference: `REF-${i % 1000}` }, 20)) },
  { name: "searchPayments APPROVED, last 7 days", make: (a, t) => byRegister(a, t, (r) => r.searchPayments({ statuses: ["APPROVED"], from: new Date(Date.now() - 7 * DAY_MS).toISOString() }, 20)) },
  { name: "searchPayments amount 1000-2000", make: (a, t) => byRegister(a, t, (r) => r.searchPayments({ minAmount: 1000, maxAmount: 2000 }, 20)) },
  { name: "storeReport (yesterday)", make: (a, t) => byRegister(a, t, (r) => r.storeReport(dayOf(1))) },
  { name: "storeReport (today)", make: (a, t) => byRegister(a, t, (r) => r.storeReport(dayOf(0))) },
  { name: "collectedBills (yesterday)", make: (a, t) => byRegister(a, t, (r) => r.collectedBills(dayOf(1))) },
  { name: "store events page (register)", make: (a, t) => byRegister(a, t, (r) => r.events({ first: 20 })) },
  { name: "storePayouts, 30 days (register)", make: (a, t) => byRegister(a, t, (r) => r.storePayouts(dayOf(30), dayOf(0))) },
  {
    name: "partner bills page",
    async make(actors, transport) {
      const partner = partnerOf(actors, transport);
      return () => partner.bills();
    },
  },
  {
    name: "partner bills page, OPEN",
    async make(actors, transport) {
      const partner = partnerOf(actors, transport);
      return () => partner.bills("OPEN");
    },
  },
  {
    name: "searchBills, last 30 days",
    async make(actors, transport) {
      const partner = partnerOf(actors, transport);
      const from = new Date(Date.now() - 30 * DAY_MS).toISOString();
      return () => partner.searchBills({ from }, 20);
    },
  },
  {
    name: "searchTickets of the event",
    async make(actors, transport) {
      const partner = partnerOf(actors, transport);
      return () => partner.searchTickets({ eventId: actors.event.id }, 20);
    },
  },
  {
    name: "partner events page",
    async make(actors, transport) {
      const partner = partnerOf(actors, transport);
      return () => partner.events({ first: 20 });
    },
  },
  {
    name: "attendance (gate)",
    async make(actors, transport) {
      const gate = gateOf(actors, transport);
      return () => gate.attendance(actors.event.id);
    },
  },
  {
    name: "gateSnapshot page",
    // One page of the default size, after the first where the event has more (a gate's
    // walk goes on from a cursor): what one request costs, whatever the event's size.
    async make(actors, transport) {
      const gate = gateOf(actors, transport);
      const after = (await gate.gateSnapshot(actors.event.id)).nextCursor ?? null;
      return () => gate.gateSnapshot(actors.event.id, null, after);
    },
  },
  {
    name: "gateSnapshot, the whole event (every page)",
    // All the event's tickets, 50,000 on the seeded side (seconds of the server's CPU
    // each walk): four gates at once keep the bench in its time, and p99 then says what one
    // gate waits rather than how long sixteen queue.
    concurrency: 4,
    callsFactor: 0.2,
    async make(actors, transport) {
      const gate = gateOf(actors, transport);
      return () => walk(snapshotPages(gate, actors.event.id));
    },
  },
  {
    name: "gateSnapshot since a minute ago (every page)",
    async make(actors, transport) {
      const gate = gateOf(actors, transport);
      return () => walk(snapshotPages(gate, actors.event.id, new Date(Date.now() - 60_000).toISOString()));
    },
  },
  {
    name: `syncScans, ${SCANS_PER_SYNC} scans per call`,
    // A gate uploads alone; each call is a thousand scans (bench/sync-scans.ts).
    concurrency: 1,
    callsFactor: 0.01,
    make: syncScansPath,
  },
  {
    name: "pointMovements feed, first page",
    async make(actors, transport) {
      const partner = partnerOf(actors, transport);
      return () => partner.pointMovements(actors.program.id, null, 100);
    },
  },
  {
    name: "pointMovements feed, caught up",
    async make(actors, transport, { inProcess }) {
      const partner = partnerOf(actors, transport);
      const cursor = await lastCursor(inProcess, actors.program.id);
      return () => partner.pointMovements(actors.program.id, cursor, 100);
    },
  },
  {
    name: "retention sweep: a batch's select, each table",
    async make(_actors, _transport, { inProcess }) {
      const { db, config, clock } = inProcess.deps;
      const rules = inProcess.services.retention.selects().map((rule) => ({ ...rule, keepMs: retentionKeepMs(rule.table, config) }));
      return (i) => {
        const rule = rules[i % rules.length];
        return db.select(rule.sql, [new Date(clock.now().getTime() - rule.keepMs)]);
      };
    },
  },
  {
    name: "recovery scan (PaymentDecisions.recover)",
    async make(_actors, _transport, { inProcess }) {
      return () => inProcess.services.paymentDecisions.recover();
    },
  },
  // Every admin list of the contract's Query type.
  { name: "admin apiKeys (all)", make: async (a, t) => ((admin) => () => admin.apiKeys())(adminOf(a, t)) },
  { name: "admin apiKeys of the store", make: async (a, t) => ((admin) => () => admin.apiKeys(a.store.id))(adminOf(a, t)) },
  { name: "admin deadMessages page", make: async (a, t) => ((admin) => () => admin.deadMessages(50))(adminOf(a, t)) },
  { name: "admin storePayouts, 30 days", make: async (a, t) => ((admin) => () => admin.storePayouts(a.store.id, dayOf(30), dayOf(0)))(adminOf(a, t)) },
  // A phone's own lists: on the seeded side its year of history.
  {
    name: "phone payments page",
    async make(actors) {
      return (i) => actors.phones[i % actors.phones.length].phone.payments(20);
    },
  },
  {
    name: "phone memberships, bills, tickets",
    async make(actors) {
      return (i) => {
        const { phone } = actors.phones[i % actors.phones.length];
        return Promise.all([phone.memberships(), phone.bills(), phone.tickets()]);
      };
    },
  },
];

/**
 * The feed's cursor after its newest movement: what a partner that has caught up asks
 * with (a cursor is the last id seen, kernel/cursor.ts). Read from the database: walking
 * a seeded program's million movements through the API would take minutes.
 */
async function lastCursor(inProcess: InProcess, programId: string): Promise<string | null> {
  const [last] = await inProcess.deps.db.select<{ id: string }>("SELECT id FROM point_movements WHERE programId = ? ORDER BY id DESC LIMIT 1", [programId]);
  return last ? encodeCursor(String(last.id)) : null;
}

/** How long the retention sweep keeps a table's rows (retention.service.ts's rules). */
function retentionKeepMs(table: string, config: InProcess["deps"]["config"]): number {
  const hour = 3_600_000;
  const { retention } = config;
  switch (table) {
    case "idempotency_records":
    case "webhook_events":
      return retention.idempotencyHours * hour;
    case "outbox_messages":
      return retention.outboxHours * hour;
    case "customer_sessions":
    case "push_subscriptions":
      return retention.sessionsHours * hour;
    case "confirmation_requests":
      return retention.confirmationsHours * hour;
    case "push_reminders":
      return 40 * 24 * hour;
    case "receipts":
      return config.receiptRetentionDays * 24 * hour;
    default:
      return retention.codesHours * hour;
  }
}

/**
 * syncScans of 1,000 offline scans per call at the actors' event (the seed's big one),
 * as bench/sync-scans.ts sends them: 50 passes of many rides, scanned a second apart,
 * uploaded in calls of MAX_SCANS_PER_SYNC. Each call is a new gate name and a later
 * minute, so every scan is new to the server.
 */
async function syncScansPath(actors: MadeActors, transport: ClientOptions, { calls }: PathContext): Promise<Call> {
  const shop = partnerOf(actors, transport);
  const gate = gateOf(actors, transport);
  const withPhone = onePerPhone(actors.phones);
  const stamp = Date.now().toString(36);
  const codes = await inParallel(PASSES, 8, (i) =>
    withPhone(i, async (holder) => {
      const rides = (SCANS_PER_SYNC / PASSES) * (calls + 1);
      const pass = await shop.postTicket({ eventId: actors.event.id, issueNumber: `SCALE-PASS-${stamp}-${i}`, holderPhone: holder.phoneNumber, usesAllowed: rides });
      return (await holder.phone.issueTicketCode(pass.id, holder.key, "none")).code;
    }),
  );
  const start = Date.now() - 3_000_000;
  return async (call) => {
    const scans: OfflineScanInput[] = Array.from({ length: SCANS_PER_SYNC }, (_, i) => ({
      code: codes[i % PASSES],
      gate: `scale-gate-${call}`,
      scannedAt: new Date(start + call * SCANS_PER_SYNC + i).toISOString(),
    }));
    for (let i = 0; i < scans.length; i += MAX_SCANS_PER_SYNC) await gate.syncScans(actors.event.id, scans.slice(i, i + MAX_SCANS_PER_SYNC));
  };
}
