import { luhnCheckDigit } from "../../src/services/crypto/luhn";
import { at, text, type Batch, type SqlJob } from "./seed-sql";
import { idOf, idSql, isoSql, pickSql, serials, sha256Sql, shareSql, timeSql } from "./seed-sql-expr";
import { BATCH_ROWS, DAY_MS, HELPER_TABLES, SQL_CHUNK, TAG, phoneSql, type SeedWorld } from "./seed-world";

/**
 * The operator around the actors: other stores (the first quarter in the actors'
 * program) and other partners, made before the year starts; and the helper tables that
 * number them for the SQL-made rows, the actors' own as number 0.
 */
export function* storesAndPartners(world: SeedWorld): Generator<Batch[]> {
  const made = world.start - 40 * DAY_MS;
  const storeRows: string[] = [];
  const numbered = [`(0,${text(world.busiest.id)},${text(world.busiest.name)})`];
  for (let i = 1; i <= world.sizes.stores; i++) {
    const id = idOf(made + i, TAG.store, i);
    const name = `Seed Store ${i}`;
    const program = world.programId !== null && i <= programStores(world) ? text(world.programId) : "NULL";
    storeRows.push(`(${text(id)},${text(name)},'JPY',${program},${at(made + i)},'UTC')`);
    numbered.push(`(${i},${text(id)},${text(name)})`);
  }
  const partnerRows: string[] = [];
  const partners = [`(0,${text(world.actors.partner.id)})`];
  for (let i = 1; i <= world.sizes.partners; i++) {
    const id = seedPartnerId(world, i);
    partnerRows.push(`(${text(id)},${text(`Seed Partner ${i}`)},${at(made + 100 + i)})`);
    partners.push(`(${i},${text(id)})`);
  }
  yield [
    { table: "stores", columns: ["id", "name", "currency", "programId", "createdAt", "timeZone"], rows: storeRows },
    { table: "partners", columns: ["id", "name", "createdAt"], rows: partnerRows },
    { table: HELPER_TABLES.stores, columns: ["n", "id", "name"], rows: numbered },
    { table: HELPER_TABLES.partners, columns: ["n", "id"], rows: partners },
  ];
}

/** Seeded partner `i` (from 1)'s id. */
export const seedPartnerId = (world: SeedWorld, i: number): string => idOf(world.start - 40 * DAY_MS + 100 + i, TAG.partner, i);

/** Stores 1 to this number earn points in the actors' program (and the busiest, number 0). */
const programStores = (world: SeedWorld) => Math.ceil(world.sizes.stores / 4);

/** A member number as membership.service.ts makes them (eleven digits and a Luhn digit), from a serial. */
function memberNumber(world: SeedWorld, serial: number): string {
  for (let n = serial; ; n += 1_000_000_000) {
    const body = `9${String(n).padStart(10, "0")}`;
    const number = body + luhnCheckDigit(body);
    if (!world.takenMemberNumbers.has(number)) return number;
  }
}

/** Members join over the ten days before the year, this far apart. */
const memberStep = (world: SeedWorld) => Math.floor((10 * DAY_MS) / memberCount(world));
const memberCount = (world: SeedWorld) => Math.min(world.sizes.members, world.sizes.customers);
const memberJoined = (world: SeedWorld, i: string | number) => `(${world.start - 10 * DAY_MS} + ${i} * ${memberStep(world)})`;

/**
 * The actors' program's members, spread evenly over the customers; made here, as their
 * numbers carry a Luhn digit.
 */
export function* memberships(world: SeedWorld): Generator<Batch[]> {
  if (world.programId === null) return;
  const count = memberCount(world);
  for (let from = 0; from < count; from += BATCH_ROWS) {
    const rows: string[] = [];
    for (let i = from; i < Math.min(count, from + BATCH_ROWS); i++) {
      const joined = world.start - 10 * DAY_MS + i * memberStep(world);
      const customer = Math.floor((i * world.sizes.customers) / count);
      rows.push(`(${text(idOf(joined, TAG.member, i))},${text(world.programId)},${text(world.customerId(customer))},${text(memberNumber(world, i))},${at(joined)},0)`);
    }
    yield [{ table: "memberships", columns: ["id", "programId", "customerId", "memberNumber", "createdAt", "lookupAllowed"], rows }];
  }
}

/**
 * The program's year: earnings at its stores, each a settlement with its EARN movement
 * and the lot it adds, in time order, the busiest store settling half. Redemptions are
 * left out: each would have to take from the member's lots in order, and a feed of
 * earnings pages the same.
 */
export function points(world: SeedWorld): SqlJob[] {
  if (world.programId === null) return [];
  const total = world.sizes.pointMovements;
  const step = world.stepOver(total);
  const created = `(${world.start} + seq * ${step} + FLOOR(${shareSql("T", "seq")} * ${step}))`;
  const expires = timeSql(`${created} + ${world.programExpiryDays * DAY_MS}`);
  const store = `IF(${shareSql("B", "seq")} < 0.5, 0, ${pickSql("P", "seq", programStores(world) + 1)})`;
  const member = pickSql("m", "seq", memberCount(world));
  const memberId = idSql(memberJoined(world, member), TAG.member, member);
  const purchase = `(100 + ${pickSql("u", "seq", 200)} * 50)`;
  const earned = `GREATEST(1, FLOOR(${purchase} / 100))`;
  const settlementId = idSql(created, TAG.settlement, "seq");
  const jobs: SqlJob[] = [];
  for (let from = 0; from < total; from += SQL_CHUNK) {
    const range = serials(from, Math.min(total, from + SQL_CHUNK));
    jobs.push(
      {
        table: "point_settlements",
        sql:
          `INSERT INTO point_settlements (id, membershipId, storeId, purchaseAmount, pointsRedeemed, pointsEarned, discount, createdAt, state) ` +
          `SELECT ${settlementId}, ${memberId}, st.id, ${purchase}, 0, ${earned}, 0, ${timeSql(created)}, 'SETTLED' FROM ${range} JOIN ${HELPER_TABLES.stores} st ON st.n = ${store}`,
      },
      {
        table: "point_movements",
        sql:
          `INSERT INTO point_movements (id, programId, membershipId, memberNumber, kind, points, storeId, settlementId, expiresAt, createdAt) ` +
          `SELECT ${idSql(created, TAG.movement, "seq")}, ${text(world.programId)}, m.id, m.memberNumber, 'EARN', ${earned}, st.id, ${settlementId}, ${expires}, ${timeSql(created)} ` +
          `FROM ${range} JOIN ${HELPER_TABLES.stores} st ON st.n = ${store} JOIN memberships m ON m.id = ${memberId}`,
      },
      {
        table: "point_lots",
        sql:
          `INSERT INTO point_lots (id, membershipId, points, remaining, expiresAt, createdAt) ` +
          `SELECT ${idSql(created, TAG.lot, "seq")}, ${memberId}, ${earned}, ${earned}, ${expires}, ${timeSql(created)} FROM ${range}`,
      },
    );
  }
  return jobs;
}

/**
 * A year of bills in time order, the actors' partner posting its share and the other
 * partners the rest, each due in two weeks: a bill past due is mostly paid in cash at a
 * store (some cancelled, some still open and already told overdue), a bill not yet due
 * is open or paid. Content hashes are made as bill.service.ts makes them.
 */
export function bills(world: SeedWorld): SqlJob[] {
  const total = world.sizes.bills;
  const step = world.stepOver(total);
  const created = `(${world.start} + seq * ${step} + FLOOR(${shareSql("t", "seq")} * ${step}))`;
  const partner = `IF(${shareSql("p", "seq")} < ${world.sizes.partnerShare}, 0, 1 + ${pickSql("q", "seq", world.sizes.partners)})`;
  const phone = phoneSql(pickSql("h", "seq", world.sizes.customers));
  const amount = `(500 + ${pickSql("a", "seq", 100)} * 100)`;
  const due = `(FLOOR((${created} + ${14 * DAY_MS}) / 1000) * 1000)`;
  const contentHash = sha256Sql(
    `CONCAT('{"customerPhone":"', ${phone}, '","amount":', ${amount}, ',"currency":"JPY","dueDate":"', ${isoSql(due)}, '","description":"Monthly charge"}')`,
  );
  const roll = pickSql("r", "seq", 100);
  const pastDue = `(${due} < ${world.end})`;
  const status = `IF(${pastDue}, CASE WHEN ${roll} < 85 THEN 'PAID' WHEN ${roll} < 90 THEN 'CANCELLED' ELSE 'OPEN' END, IF(${roll} < 60, 'OPEN', 'PAID'))`;
  const paid = `(${status} = 'PAID')`;
  const paidAt = `${created} + FLOOR(${shareSql("w", "seq")} * (LEAST(${due}, ${world.end}) - ${created}))`;
  const jobs: SqlJob[] = [];
  for (let from = 0; from < total; from += SQL_CHUNK) {
    jobs.push({
      table: "bills",
      sql:
        `INSERT INTO bills (id, partnerId, reference, customerPhone, amount, currency, description, dueDate, status, contentHash, paidAt, paidAtStoreId, paidAtStoreName, tender, createdAt, overdueNotifiedAt) ` +
        `SELECT ${idSql(created, TAG.bill, "seq")}, p.id, CONCAT('seed-', seq), ${phone}, ${amount}, 'JPY', 'Monthly charge', ${timeSql(due)}, ${status}, ${contentHash}, ` +
        `IF(${paid}, ${timeSql(paidAt)}, NULL), IF(${paid}, st.id, NULL), IF(${paid}, st.name, NULL), IF(${paid}, 'CASH', NULL), ${timeSql(created)}, ` +
        `IF(${status} = 'OPEN' AND ${pastDue}, ${timeSql(`LEAST(${due} + 3600000, ${world.end})`)}, NULL) ` +
        `FROM ${serials(from, Math.min(total, from + SQL_CHUNK))} JOIN ${HELPER_TABLES.partners} p ON p.n = ${partner} ` +
        `JOIN ${HELPER_TABLES.stores} st ON st.n = ${pickSql("z", "seq", world.sizes.stores + 1)}`,
    });
  }
  return jobs;
}
