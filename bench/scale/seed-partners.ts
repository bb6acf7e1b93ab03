import { luhnCheckDigit } from "../../src/services/crypto/luhn";
import { at, idAt, text, type Batch } from "./seed-sql";
import { BATCH_ROWS, DAY_MS, between, pick, sha256, type SeedWorld } from "./seed-world";

/**
 * The operator around the actors: other stores (the first quarter in the actors'
 * program), other partners, and the program's members. Made before the year starts.
 */
export function* storesAndPartners(world: SeedWorld): Generator<Batch[]> {
  const made = world.start - 40 * DAY_MS;
  const storeRows: string[] = [];
  for (let i = 0; i < world.sizes.stores; i++) {
    const store = { id: idAt(made + i), name: `Seed Store ${i + 1}` };
    world.stores.push(store);
    const program = world.programId !== null && i < world.sizes.stores / 4 ? text(world.programId) : "NULL";
    storeRows.push(`(${text(store.id)},${text(store.name)},'JPY',${program},${at(made + i)},'UTC')`);
  }
  const partnerRows: string[] = [];
  for (let i = 0; i < world.sizes.partners; i++) {
    const id = idAt(made + 100 + i);
    world.partnerIds.push(id);
    partnerRows.push(`(${text(id)},${text(`Seed Partner ${i + 1}`)},${at(made + 100 + i)})`);
  }
  yield [
    { table: "stores", columns: ["id", "name", "currency", "programId", "createdAt", "timeZone"], rows: storeRows },
    { table: "partners", columns: ["id", "name", "createdAt"], rows: partnerRows },
  ];
}

/** A member number as membership.service.ts makes them (eleven digits and a Luhn digit), from a serial. */
function memberNumber(world: SeedWorld, serial: number): string {
  for (let n = serial; ; n += 1_000_000_000) {
    const body = `9${String(n).padStart(10, "0")}`;
    const number = body + luhnCheckDigit(body);
    if (!world.takenMemberNumbers.has(number)) return number;
  }
}

/**
 * The actors' program over the year: members (every other customer, up to the size),
 * and their earnings at the program's stores, each a settlement with its EARN movement
 * and the lot it adds, in time order. Redemptions are left out: each would have to
 * take from the member's lots in order, and a feed of earnings pages the same.
 */
export function* points(world: SeedWorld): Generator<Batch[]> {
  if (world.programId === null) return;
  const programId = world.programId;
  const members: Array<{ id: string; number: string }> = [];
  const count = Math.min(world.sizes.members, world.customerIds.length);
  for (let from = 0; from < count; from += BATCH_ROWS) {
    const rows: string[] = [];
    for (let i = from; i < Math.min(count, from + BATCH_ROWS); i++) {
      const joined = world.start - 10 * DAY_MS + (i / count) * 10 * DAY_MS;
      const member = { id: idAt(joined), number: memberNumber(world, i) };
      members.push(member);
      const customer = Math.floor((i * world.customerIds.length) / count);
      rows.push(`(${text(member.id)},${text(programId)},${text(world.customerIds[customer])},${text(member.number)},${at(joined)},0)`);
    }
    yield [{ table: "memberships", columns: ["id", "programId", "customerId", "memberNumber", "createdAt", "lookupAllowed"], rows }];
  }
  const programStores = [world.busiest, ...world.stores.slice(0, Math.ceil(world.sizes.stores / 4))];
  const total = world.sizes.pointMovements;
  const step = (world.end - world.start) / total;
  const keepMs = world.programExpiryDays * DAY_MS;
  for (let from = 0; from < total; from += BATCH_ROWS) {
    const settlements: string[] = [];
    const movements: string[] = [];
    const lots: string[] = [];
    for (let i = from; i < Math.min(total, from + BATCH_ROWS); i++) {
      const created = world.start + i * step + Math.random() * step;
      // The busiest store settles half of them.
      const store = Math.random() < 0.5 ? world.busiest : programStores[pick(programStores.length)];
      const member = members[pick(members.length)];
      const purchase = 100 + pick(200) * 50;
      const earned = Math.max(1, Math.floor(purchase / 100));
      const settlementId = idAt(created);
      settlements.push(`(${text(settlementId)},${text(member.id)},${text(store.id)},${purchase},0,${earned},0,${at(created)},'SETTLED')`);
      movements.push(
        `(${text(idAt(created))},${text(programId)},${text(member.id)},${text(member.number)},'EARN',${earned},${text(store.id)},${text(settlementId)},${at(created + keepMs)},${at(created)})`,
      );
      lots.push(`(${text(idAt(created))},${text(member.id)},${earned},${earned},${at(created + keepMs)},${at(created)})`);
    }
    yield [
      { table: "point_settlements", columns: ["id", "membershipId", "storeId", "purchaseAmount", "pointsRedeemed", "pointsEarned", "discount", "createdAt", "state"], rows: settlements },
      { table: "point_movements", columns: ["id", "programId", "membershipId", "memberNumber", "kind", "points", "storeId", "settlementId", "expiresAt", "createdAt"], rows: movements },
      { table: "point_lots", columns: ["id", "membershipId", "points", "remaining", "expiresAt", "createdAt"], rows: lots },
    ];
  }
}

/**
 * A year of bills in time order, the actors' partner posting its share and the other
 * partners the rest, each due in two weeks: a bill past due is mostly paid in cash at a
 * store (some cancelled, some still open and already told overdue), a bill not yet due
 * is open or paid. Content hashes are made as bill.service.ts makes them.
 */
export function* bills(world: SeedWorld): Generator<Batch[]> {
  const total = world.sizes.bills;
  const step = (world.end - world.start) / total;
  const partner = world.actors.partner.id;
  const stores = [world.busiest, ...world.stores];
  const columns = ["id", "partnerId", "reference", "customerPhone", "amount", "currency", "description", "dueDate", "status", "contentHash", "paidAt", "paidAtStoreId", "paidAtStoreName", "tender", "createdAt", "overdueNotifiedAt"];
  for (let from = 0; from < total; from += BATCH_ROWS) {
    const rows: string[] = [];
    for (let i = from; i < Math.min(total, from + BATCH_ROWS); i++) {
      const created = world.start + i * step + Math.random() * step;
      const partnerId = Math.random() < world.sizes.partnerShare ? partner : world.partnerIds[pick(world.partnerIds.length)];
      const phone = world.phones[pick(world.phones.length)];
      const amount = 500 + pick(100) * 100;
      const due = Math.floor((created + 14 * DAY_MS) / 1000) * 1000;
      const description = "Monthly charge";
      const contentHash = sha256(JSON.stringify({ customerPhone: phone, amount, currency: "JPY", dueDate: new Date(due).toISOString(), description }));
      const roll = Math.random();
      const pastDue = due < world.end;
      const status = pastDue ? (roll < 0.85 ? "PAID" : roll < 0.9 ? "CANCELLED" : "OPEN") : roll < 0.6 ? "OPEN" : "PAID";
      let paid = "NULL,NULL,NULL,NULL";
      if (status === "PAID") {
        const store = stores[pick(stores.length)];
        paid = `${at(between(created, Math.min(due, world.end)))},${text(store.id)},${text(store.name)},'CASH'`;
      }
      const told = status === "OPEN" && pastDue ? at(Math.min(due + 3_600_000, world.end)) : "NULL";
      rows.push(
        `(${text(idAt(created))},${text(partnerId)},${text(`seed-${i}`)},${text(phone)},${amount},'JPY','${description}',${at(due)},'${status}',${text(contentHash)},${paid},${at(created)},${told})`,
      );
    }
    yield [{ table: "bills", columns, rows }];
  }
}
