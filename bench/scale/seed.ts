import { hashPassword } from "../../src/services/crypto/password";
import type { ScaleActors } from "./actors";
import { withIndexesBuiltAfter } from "./seed-indexes";
import { bills, memberships, points, storesAndPartners } from "./seed-partners";
import { payments } from "./seed-payments";
import { seedSizes, type SeedSize } from "./seed-sizes";
import { BulkWriter, type Batch, type SqlJob } from "./seed-sql";
import { bigEvent, eventTickets, events, type BigEvent } from "./seed-tickets";
import { ATTENDANCE_TALLY_FILL } from "../../src/migrations/1766300000000-attendance-tallies";
import { HELPER_TABLES, SeedWorld } from "./seed-world";
import { countStoreDaySums } from "./seed-day-sums";

/** The tally tables the fill writes (attendance, services/tickets/tallies.ts). */
const ATTENDANCE_TALLY_TABLES = ["event_tallies", "gate_tallies", "list_tallies"];

/** Connections writing at once: one per core MariaDB has here, and one more so a core never waits on a round trip. */
const CONNECTIONS = 3;
/**
 * The big tables, largest first: their secondary indexes are built after their rows
 * (seed-indexes.ts). The outbox keeps its indexes: it holds only a week of rows.
 */
const INDEXED_AFTER = [
  "payments", "ledger_entries", "admissions", "point_movements", "point_lots", "point_settlements", "bills", "tickets",
  "cards", "customers", "memberships", "refunds",
];
/** The password of every seeded customer (nobody logs in as one: the bench's phones are the actors'). */
const SEED_PASSWORD = "seeded customer";
/** scrypt's cost as the server's default (N = 2^15), so the hash has the server's shape. */
const PASSWORD_COST = 15;

export interface SeedResult {
  /** Rows written, per table. */
  rows: Record<string, number>;
  seconds: number;
}

/**
 * Writes a year of a mid-size operator's history around the actors straight into their
 * migrated MySQL database (bench/scale/seed-sizes.ts says how much): customers and cards,
 * payments with their ledger entries, refunds and outbox reports, the actors' points
 * program, bills, events with tickets and admissions, and the actors' event's 50,000
 * tickets, in the shapes the services write (seed-*.ts say which), every unique key
 * unique by construction; then ANALYZE TABLE, so the optimizer plans with the seeded
 * sizes. What only this process can make (sealed card numbers, Luhn digits) it sends as
 * multi-row INSERTs; MariaDB makes the rest itself, over its sequence tables
 * (seed-sql-expr.ts). The big tables' secondary indexes are built after their rows
 * (seed-indexes.ts), so nothing else may use the database meanwhile (bench:scale stops
 * the actors' server while it seeds).
 */
export async function seedYear(databaseUrl: string, actors: ScaleActors, size: SeedSize, log: (line: string) => void = (line) => console.log(line)): Promise<SeedResult> {
  const started = Date.now();
  const sizes = seedSizes(size);
  const writer = await BulkWriter.open(databaseUrl, CONNECTIONS);
  try {
    const world = new SeedWorld(actors, sizes, await hashPassword(SEED_PASSWORD, PASSWORD_COST));
    const [store] = await writer.query<{ name: string }>("SELECT name FROM stores WHERE id = ?", [actors.store.id]);
    if (!store) throw new Error(`the actors' store ${actors.store.id} is not in the database`);
    world.busiest = { id: actors.store.id, name: store.name };
    const [program] = await writer.query<{ id: string; expiryDays: number }>("SELECT id, expiryDays FROM programs WHERE partnerId = ? ORDER BY createdAt LIMIT 1", [actors.partner.id]);
    if (program) {
      world.programId = program.id;
      world.programExpiryDays = program.expiryDays;
    } else log("seed: the actors' partner has no program; no points are seeded");
    for (const { memberNumber } of await writer.query<{ memberNumber: string }>("SELECT memberNumber FROM memberships")) world.takenMemberNumbers.add(memberNumber);
    const [event] = await writer.query<{ id: string; partnerId: string; doorsOpenAt: Date; startsAt: Date }>("SELECT id, partnerId, doorsOpenAt, startsAt FROM events WHERE id = ?", [actors.event.id]);
    if (!event) throw new Error(`the actors' event ${actors.event.id} is not in the database`);
    const big: BigEvent = { id: event.id, partnerId: event.partnerId, doorsOpenAt: event.doorsOpenAt.getTime(), startsAt: event.startsAt.getTime() };

    await createHelperTables(writer);
    try {
      await withIndexesBuiltAfter(writer, INDEXED_AFTER, log, async () => {
        // What every SQL-made row may join to: the numbered stores, partners and events.
        await phase(writer, log, "stores, partners and events", () => writer.writeAll(roundRobin([storesAndPartners(world), events(world)])));
        // Cards and members are sealed and numbered here, while MariaDB makes the tables that need neither.
        const alone = interleave([world.customers(), bills(world), eventTickets(world), bigEvent(world, big)]);
        await phase(writer, log, "cards and members, customers, bills and tickets", () =>
          Promise.all([writer.writeAll(roundRobin([world.cards(), memberships(world)])), writer.run(alone)]).then(() => undefined),
        );
        // Payments pick cards, and points members, by their ids.
        await phase(writer, log, "payments and points, made by MariaDB", () => writer.run(interleave([payments(world), points(world)])));
      });
    } finally {
      await writer.query(`DROP TABLE IF EXISTS ${Object.values(HELPER_TABLES).join(", ")}`);
    }
    // The rows above were written past the services, so the attendance tallies are counted from them again.
    const counting = Date.now();
    for (const table of ATTENDANCE_TALLY_TABLES) await writer.query(`DELETE FROM ${table}`);
    for (const sql of ATTENDANCE_TALLY_FILL) await writer.query(sql);
    log(`seed: attendance tallies counted in ${((Date.now() - counting) / 1000).toFixed(1)} s`);
    // And the stores' day sums (the world's day sums start empty: the seed writes none through the services).
    const summing = Date.now();
    await countStoreDaySums(writer);
    log(`seed: store day sums counted in ${((Date.now() - summing) / 1000).toFixed(1)} s`);
    const analyzing = Date.now();
    const tables = [...writer.written.keys()].filter((table) => !Object.values(HELPER_TABLES).includes(table));
    await writer.query(`ANALYZE TABLE ${tables.join(", ")}`);
    log(`seed: ANALYZE TABLE in ${((Date.now() - analyzing) / 1000).toFixed(1)} s`);
    const seconds = (Date.now() - started) / 1000;
    const rows = Object.fromEntries(writer.written);
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    log(`seed: ${total.toLocaleString("en")} rows in ${seconds.toFixed(1)} s (${Math.round(total / seconds).toLocaleString("en")} rows/s)`);
    return { rows, seconds };
  } finally {
    await writer.close();
  }
}

/** The helper tables that number the stores, partners and events for the SQL-made rows (seed-world.ts). */
async function createHelperTables(writer: BulkWriter): Promise<void> {
  await writer.query(`CREATE TABLE ${HELPER_TABLES.stores} (n INT PRIMARY KEY, id VARCHAR(36) NOT NULL, name VARCHAR(200) NOT NULL)`);
  await writer.query(`CREATE TABLE ${HELPER_TABLES.partners} (n INT PRIMARY KEY, id VARCHAR(36) NOT NULL)`);
  await writer.query(`CREATE TABLE ${HELPER_TABLES.events} (n INT PRIMARY KEY, id VARCHAR(36) NOT NULL, partner INT NOT NULL, doorsOpenMs BIGINT NOT NULL, startsMs BIGINT NOT NULL)`);
}

/** Runs one phase of the seed and says how many rows it wrote, how fast. */
async function phase(writer: BulkWriter, log: (line: string) => void, name: string, write: () => Promise<void>): Promise<void> {
  const started = Date.now();
  const before = total(writer);
  await write();
  const rows = total(writer) - before;
  const seconds = (Date.now() - started) / 1000;
  log(`seed: ${name}: ${rows.toLocaleString("en")} rows in ${seconds.toFixed(1)} s (${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString("en")} rows/s)`);
}

const total = (writer: BulkWriter) => [...writer.written.values()].reduce((a, b) => a + b, 0);

/**
 * The jobs of every table, taking from each list in turn, so the connections insert into
 * different tables at once rather than contending for the end of one index.
 */
function interleave(lists: SqlJob[][]): SqlJob[] {
  const jobs: SqlJob[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) jobs.push(list[i]);
  return jobs;
}

/** The sources' batches likewise, one from each in turn. */
function* roundRobin(sources: Iterable<Batch[]>[]): Generator<Batch[]> {
  const iterators = sources.map((source) => source[Symbol.iterator]());
  while (iterators.length > 0) {
    for (let i = 0; i < iterators.length; ) {
      const next = iterators[i].next();
      if (next.done) iterators.splice(i, 1);
      else {
        yield next.value;
        i++;
      }
    }
  }
}
