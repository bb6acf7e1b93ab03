import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { createConnection, type Connection } from "mysql2/promise";
import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { insertActors } from "../../bench/scale/seed-actors";
import { attendanceOf } from "../../src/services/tickets/attendance";
import { recountAttendance } from "../../src/services/tickets/recount";
import { seedYear } from "../../bench/scale/seed";
import { fillStoreDaySums } from "../../src/migrations/1766500000000-store-day-sums";
import type { ScaleActors } from "../../bench/scale/actors";
import { createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";

/**
 * The hot paths' queries keep their indexes on a database with history in it. A seeded
 * database ("ci" size of bench/scale/seed.ts: enough rows that MySQL prefers an index
 * wherever one serves) is read by each path the scale bench measures, through the API or
 * the service the path runs; every statement the server sends meanwhile is captured at
 * the driver and EXPLAINed. A full scan of a big table, or a filesort over many rows,
 * fails the test with the plan, so a lost or missing index shows here and not at a
 * customer's. PRINT_PLANS=1 prints every plan.
 */

// mysql2's connection class: the pool's connections and single ones all send through it.
// By its file, since the package exports only its entry points.
const BaseConnection = require(join(dirname(require.resolve("mysql2")), "lib", "base", "connection.js")) as { prototype: Record<string, (...args: unknown[]) => unknown> };

/**
 * The tables a year makes big (and api_keys, which the admin lists; the attendance
 * tallies, a row per event, gate and list, which attendance reads instead of tickets and
 * admissions; and the stores' day sums, which the store report and payouts read instead
 * of the ledger): a plan must reach their rows by an index.
 */
const BIG_TABLES = [
  "api_keys", "payments", "ledger_entries", "refunds", "outbox_messages", "customers", "cards", "memberships", "point_movements",
  "point_settlements", "point_lots", "bills", "tickets", "admissions", "event_tallies", "gate_tallies", "list_tallies",
  "store_day_sums",
];
/** Rows a full scan or a filesort may cover before it counts as "the whole table" at this size. */
const SCAN_LIMIT = 200;

interface Statement {
  sql: string;
  values: unknown[];
}

/** Records what the process sends to MySQL while `recording` is on. */
class StatementTap {
  readonly statements: Statement[] = [];
  private recording = false;
  private readonly originals = new Map<string, (...args: unknown[]) => unknown>();

  install(): void {
    for (const method of ["query", "execute"]) {
      const original = BaseConnection.prototype[method];
      this.originals.set(method, original);
      const tap = this;
      BaseConnection.prototype[method] = function (this: unknown, ...args: unknown[]) {
        if (tap.recording) {
          const [first, second] = args;
          const sql = typeof first === "string" ? first : (first as { sql?: string })?.sql;
          const values = Array.isArray(second) ? second : ((first as { values?: unknown[] })?.values ?? []);
          if (typeof sql === "string") tap.statements.push({ sql, values });
        }
        return original.apply(this, args);
      };
    }
  }

  uninstall(): void {
    for (const [method, original] of this.originals) BaseConnection.prototype[method] = original;
  }

  async during(run: () => Promise<unknown>): Promise<Statement[]> {
    this.statements.length = 0;
    this.recording = true;
    try {
      await run();
    } finally {
      this.recording = false;
    }
    return this.statements.splice(0);
  }
}

interface PlanRow {
  table: string | null;
  type: string | null;
  key: string | null;
  rows: number | null;
  Extra: string | null;
}

/** The statements worth a plan: reads and deletes of a big table. */
function explainable(statement: Statement): boolean {
  const sql = statement.sql.trim();
  if (!/^(SELECT|DELETE|UPDATE|\(SELECT|WITH)/i.test(sql)) return false;
  return BIG_TABLES.some((table) => new RegExp(`\\b\`?${table}\`?\\b`).test(sql));
}

/**
 * What is wrong with a plan, if anything. `limit`: the statement's LIMIT; a walk of the
 * primary key in order that a LIMIT stops within a few pages of rows is a page read, not
 * a scan.
 */
function problems(plan: PlanRow[], limit: number | null): string[] {
  const found: string[] = [];
  for (const row of plan) {
    const table = row.table ?? "";
    const rows = Number(row.rows ?? 0);
    if (row.type === "ALL" && rows >= SCAN_LIMIT) found.push(`full scan of ${table} (${rows} rows)`);
    // The whole primary key in order: a full scan too, unless a LIMIT stops it early.
    const stopsEarly = limit !== null && rows <= 10 * limit;
    if (row.type === "index" && row.key === "PRIMARY" && rows >= SCAN_LIMIT && !stopsEarly) found.push(`full scan of ${table} by its primary key (${rows} rows)`);
    if ((row.Extra ?? "").includes("Using filesort") && rows >= SCAN_LIMIT) found.push(`filesort over ${rows} rows of ${table}`);
  }
  return found;
}

/**
 * Plans the optimizer chooses over an index that is there, which no index can change;
 * each is printed, not failed, with why it is accepted.
 */
const ACCEPTED: Array<{ path: string; table: string; why: string }> = [
];

const describeIf = mysqlAvailable ? describe : describe.skip;
if (!mysqlAvailable) process.stdout.write("[query plans] needs MySQL (TEST_MYSQL_URL): SKIPPED\n");

describeIf("query plans of the hot paths on a seeded database (MySQL)", () => {
  let database: TestDatabase;
  let server: TestServer;
  let actors: ScaleActors;
  let explainer: Connection;
  const tap = new StatementTap();
  const cardKey = randomBytes(32).toString("hex");

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    const made = await insertActors(database.databaseUrl!);
    actors = { ...made, cardKey };
    await seedYear(database.databaseUrl!, actors, "ci", () => undefined);
    server = await startTestServer("mysql", {
      database,
      // Seeded outbox rows stay for the plans: the sweep's own cutoff deletes none of them.
      env: { CARD_KEY: cardKey, RETENTION_OUTBOX_HOURS: "1000000", RETENTION_SWEEP_MS: "3600000" },
    });
    explainer = await createConnection({ uri: database.databaseUrl!, timezone: "Z" });
    tap.install();
  });

  afterAll(async () => {
    tap.uninstall();
    await explainer?.end();
    await server?.close();
    await database?.drop();
  });

  async function expectIndexed(path: string, run: () => Promise<unknown>): Promise<void> {
    const statements = (await tap.during(run)).filter(explainable);
    // A path that sent nothing was not measured: the tap or the path is broken.
    expect({ path, read: statements.length > 0 }).toEqual({ path, read: true });
    const failures: string[] = [];
    for (const statement of statements) {
      const [plan] = (await explainer.query(`EXPLAIN ${statement.sql}`, statement.values)) as unknown as [PlanRow[]];
      if (process.env.PRINT_PLANS === "1") {
        process.stdout.write(`${path}: ${statement.sql}\n${plan.map((row) => `    ${row.table} type=${row.type} key=${row.key} rows=${row.rows} ${row.Extra ?? ""}`).join("\n")}\n`);
      }
      const limit = /\bLIMIT (\d+)\s*$/i.exec(statement.sql);
      const found = problems(plan, limit ? Number(limit[1]) : null);
      const accepted = ACCEPTED.find((a) => a.path === path && plan.some((row) => row.table === a.table));
      if (found.length > 0 && accepted) {
        process.stdout.write(`[query plans] ${path}: ${found.join(", ")}; accepted: ${accepted.why}\n`);
      } else if (found.length > 0) {
        const shown = plan.map((row) => `    ${row.table} type=${row.type} key=${row.key} rows=${row.rows} ${row.Extra ?? ""}`).join("\n");
        failures.push(`${path}: ${found.join(", ")}\n  ${statement.sql}\n${shown}`);
      }
    }
    expect(failures).toEqual([]);
  }

  const day = (offsetDays = 0) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);

  it("seeds rows the server reads as its own: cards open under its key, customer numbers are its numbers", async () => {
    const [cards] = (await explainer.query("SELECT id, panCiphertext, panKeyId, last4 FROM cards WHERE holderName = 'SEED CUSTOMER' LIMIT 3")) as unknown as [
      Array<{ id: string; panCiphertext: string; panKeyId: string; last4: string }>,
    ];
    expect(cards).toHaveLength(3);
    for (const card of cards) expect(server.app.services.cards.decryptPan(card).slice(-4)).toBe(card.last4);
    const [payments] = (await explainer.query("SELECT customerId, storeId, customerNumber FROM payments WHERE storeId = ? LIMIT 3", [actors.store.id])) as unknown as [
      Array<{ customerId: string; storeId: string; customerNumber: string }>,
    ];
    expect(payments).toHaveLength(3);
    for (const p of payments) expect(server.app.services.customerNumbers.of(p.customerId, p.storeId)).toBe(p.customerNumber);
    // The seed wrote tickets and admissions past the services, then counted the attendance tallies from them.
    const figures = await server.app.db.read((m) => Promise.all([attendanceOf(m, actors.event.id), recountAttendance(m, actors.event.id)]));
    expect(figures[0]).toEqual(figures[1]);
    expect(figures[0].admitted).toBeGreaterThan(0);
    // It counted the stores' day sums in one pass (every seeded store counts in UTC): the same as the migration's fill, for any zone.
    const sums = async () =>
      ((await explainer.query("SELECT storeId, day, kind, institution, SUM(count) AS n, SUM(amount) AS amount FROM store_day_sums GROUP BY storeId, day, kind, institution ORDER BY storeId, day, kind, institution")) as unknown as [unknown[]])[0];
    const seeded = await sums();
    expect(seeded.length).toBeGreaterThan(100);
    await explainer.query("DELETE FROM store_day_sums");
    await fillStoreDaySums(async (sql, params) => (await explainer.query(sql, params))[0], true);
    expect(await sums()).toEqual(seeded);
  });

  it("keeps the register's paths on indexes: payments page, search, storeReport, collected bills", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const register = new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", actors.store.id)).key);
    await expectIndexed("payments", async () => {
      const first = await register.payments(20);
      await register.payments(20, first.nextCursor);
    });
    await expectIndexed("searchPayments", async () => {
      await register.searchPayments({ reference: "R1000" });
      await register.searchPayments({ statuses: ["REFUNDED"] });
      await register.searchPayments({ minAmount: 5_000, maxAmount: 6_000 });
      await register.searchPayments({ from: new Date(Date.now() - 30 * 86_400_000).toISOString(), to: new Date(Date.now() - 29 * 86_400_000).toISOString() });
    });
    await expectIndexed("storeReport", () => register.storeReport(day(1)));
    await expectIndexed("collectedBills", () => register.collectedBills(day(1)));
  });

  it("keeps the partner's paths on indexes: bills, searchBills, pointMovements, attendance, searchTickets", async () => {
    const partner = new PartnerClient(server.url, actors.partner.apiKey || (await new AdminClient(server.url, ADMIN_TOKEN).issueApiKey("PARTNER", actors.partner.id)).key);
    await expectIndexed("bills", () => partner.bills());
    await expectIndexed("bills(OPEN)", () => partner.bills("OPEN"));
    await expectIndexed("searchBills", async () => {
      await partner.searchBills({ reference: "seed-100" });
      await partner.searchBills({ status: "PAID" });
    });
    const [[program]] = (await explainer.query("SELECT id FROM programs WHERE partnerId = ?", [actors.partner.id])) as unknown as [Array<{ id: string }>];
    await expectIndexed("pointMovements", async () => {
      const first = await partner.pointMovements(program.id);
      await partner.pointMovements(program.id, first.nextCursor);
    });
    await expectIndexed("attendance (partner)", () => partner.attendance(actors.event.id));
    await expectIndexed("searchTickets", () => partner.searchTickets({}));
  });

  it("keeps the gate's paths on indexes: gateSnapshot of the big event, attendance", async () => {
    const gate = new GateClient(server.url, (await new AdminClient(server.url, ADMIN_TOKEN).issueApiKey("GATE", actors.partner.id)).key);
    await expectIndexed("gateSnapshot", async () => {
      // Pages of 100, so the walk reads the big event past its first page, then a refresh since its asOf.
      let page = await gate.gateSnapshot(actors.event.id, null, null, 100);
      const { asOf } = page;
      while (page.nextCursor) page = await gate.gateSnapshot(actors.event.id, null, page.nextCursor, 100);
      await gate.gateSnapshot(actors.event.id, asOf);
    });
    await expectIndexed("attendance (gate)", () => gate.attendance(actors.event.id));
  });

  it("keeps the admin lists on indexes: apiKeys, deadMessages, storePayouts", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    await expectIndexed("apiKeys", () => admin.apiKeys(actors.store.id));
    await expectIndexed("deadMessages", async () => {
      const first = await admin.deadMessages(20);
      if (first.nextCursor) await admin.deadMessages(20, first.nextCursor);
    });
    await expectIndexed("storePayouts", () => admin.storePayouts(actors.store.id, day(7), day(1)));
  });

  it("keeps the background work on indexes: recovery scan, outbox due scan, retention sweep", async () => {
    const { services } = server.app;
    await expectIndexed("recovery", () => services.payments.recover());
    await expectIndexed("outbox due scan", () => services.outbox.drain());
    await expectIndexed("overdue bills pick", () => services.overdueSweep.sweep());
    // The sweep's selects, each with the cutoff its own period gives (a week back, as the defaults).
    const cutoff = new Date(Date.now() - 168 * 3_600_000);
    const failures: string[] = [];
    for (const { table, sql } of services.retention.selects()) {
      const [plan] = (await explainer.query(`EXPLAIN ${sql}`, [cutoff])) as unknown as [PlanRow[]];
      const found = problems(plan, null);
      if (found.length > 0) failures.push(`retention ${table}: ${found.join(", ")}\n  ${sql}`);
    }
    expect(failures).toEqual([]);
  });
});
