import { at, text, type Batch, type SqlJob } from "./seed-sql";
import { idOf, idSql, isoSql, pickSql, serials, sha256Sql, shareSql, timeSql } from "./seed-sql-expr";
import { seedPartnerId } from "./seed-partners";
import { DAY_MS, HELPER_TABLES, SQL_CHUNK, TAG, phoneSql, type SeedWorld } from "./seed-world";

/** Uses of a season pass: each of the other events' tickets. */
const PASS_USES = 12;
const GATES = "ELT(1 + %s, 'north', 'south', 'east', 'west')";
/** Serials of a ticket's admissions: the ticket's serial times this, plus the use. */
const USES_SPAN = 16;

/** The actors' event as the seeder needs it. */
export interface BigEvent {
  id: string;
  partnerId: string;
  doorsOpenAt: number;
  startsAt: number;
}

const TICKET_COLUMNS =
  "id, partnerId, eventId, issueNumber, holderPhone, holderVersion, seat, usesAllowed, usesLeft, validFrom, validUntil, contentHash, createdAt, lastUsedAt, inside, movedAt, updatedAt";
const ADMISSION_COLUMNS = "id, eventId, ticketId, gate, result, reason, at, tookUse, countsVisitor, visitDay, firstUsedAt, offline";

/** A ticket's content hash, as ticket.service.ts makes it (JSON.stringify of its content), in SQL. */
const contentHashSql = (eventId: string, phone: string, seat: string, usesAllowed: number, validFrom: string, validUntil: string) =>
  sha256Sql(
    `CONCAT('{"eventId":"', ${eventId}, '","holderPhone":"', ${phone}, '","seat":"', ${seat}, '","usesAllowed":${usesAllowed},"validFrom":"', ` +
      `${isoSql(validFrom)}, '","validUntil":"', ${isoSql(validUntil)}, '"}')`,
  );

/** The year's other events, one every few days, half the actors' partner's, numbered for the SQL-made tickets. */
export function* events(world: SeedWorld): Generator<Batch[]> {
  const rows: string[] = [];
  const numbered: string[] = [];
  for (let e = 0; e < world.sizes.events; e++) {
    // The last one starts forty days before the year ends, so each pass's month is over.
    const starts = world.start + Math.floor((e / world.sizes.events) * (world.end - world.start - 40 * DAY_MS));
    const doorsOpen = starts - 3_600_000;
    const partner = e % 2 === 0 ? 0 : 1 + (e % world.sizes.partners);
    const partnerId = partner === 0 ? world.actors.partner.id : seedPartnerId(world, partner);
    const created = starts - 30 * DAY_MS;
    const id = idOf(created, TAG.event, e);
    rows.push(`(${text(id)},${text(partnerId)},${text(`Seed Event ${e + 1}`)},'Seed Hall',${at(starts)},${at(doorsOpen)},60,${at(created)},0)`);
    numbered.push(`(${e},${text(id)},${partner},${doorsOpen},${starts})`);
  }
  yield [
    { table: HELPER_TABLES.events, columns: ["n", "id", "partner", "doorsOpenMs", "startsMs"], rows: numbered },
    { table: "events", columns: ["id", "partnerId", "title", "venue", "startsAt", "doorsOpenAt", "releaseMinutesBeforeDoors", "createdAt", "allowReentry"], rows },
  ];
}

/**
 * The other events' tickets: season passes (PASS_USES uses, a month long) used about as
 * often as the admissions' size asks, one admission a day, each ADMITTED row counted as a
 * visitor, as admission.service.ts counts them. A ticket's uses and their times follow
 * from its serial, so its admissions are made by a statement of their own.
 */
export function eventTickets(world: SeedWorld): SqlJob[] {
  const { events: count, otherTickets, admissions, bigEventTickets, customers } = world.sizes;
  const perEvent = Math.max(1, Math.round(otherTickets / count));
  const total = perEvent * count;
  // What the big event's admissions leave, spread over the passes.
  const usesPerTicket = Math.max(1, Math.min(PASS_USES, Math.round((admissions - bigEventTickets / 2) / total)));
  const t = `(seq % ${perEvent})`;
  const sold = `(e.startsMs - ${20 * DAY_MS})`;
  const ticketId = idSql(`${sold} + ${t}`, TAG.ticket, "seq");
  const uses = `GREATEST(0, LEAST(${PASS_USES}, ${usesPerTicket} + ${pickSql("u", "seq", 3)} - 1))`;
  const useAt = (use: string) => `(e.doorsOpenMs + ${use} * ${DAY_MS} + ${pickSql("g", `seq * ${USES_SPAN} + ${use}`, 8 * 3_600_000)})`;
  const lastUsed = `IF(${uses} > 0, ${timeSql(useAt(`(${uses} - 1)`))}, NULL)`;
  const validUntil = `(e.startsMs + ${30 * DAY_MS})`;
  const phone = phoneSql(pickSql("h", "seq", customers));
  const seat = `CONCAT('S-', ${t} + 1)`;
  const jobs: SqlJob[] = [];
  for (let from = 0; from < total; from += SQL_CHUNK) {
    const source = `FROM ${serials(from, Math.min(total, from + SQL_CHUNK))} JOIN ${HELPER_TABLES.events} e ON e.n = seq DIV ${perEvent} JOIN ${HELPER_TABLES.partners} p ON p.n = e.partner`;
    jobs.push({
      table: "tickets",
      sql:
        `INSERT INTO tickets (${TICKET_COLUMNS}) SELECT ${ticketId}, p.id, e.id, CONCAT('seed-', e.n, '-', ${t}), ${phone}, 1, ${seat}, ${PASS_USES}, ${PASS_USES} - ${uses}, ` +
        `${timeSql("e.doorsOpenMs")}, ${timeSql(validUntil)}, ${contentHashSql("e.id", phone, seat, PASS_USES, "e.doorsOpenMs", validUntil)}, ${timeSql(`${sold} + ${t}`)}, ` +
        `${lastUsed}, 0, ${lastUsed}, ${lastUsed} ${source}`,
    });
    jobs.push({
      table: "admissions",
      sql:
        `INSERT INTO admissions (${ADMISSION_COLUMNS}) SELECT ${idSql(useAt("u.n"), TAG.admission, `seq * ${USES_SPAN} + u.n`)}, e.id, ${ticketId}, ` +
        `${GATES.replace("%s", pickSql("G", `seq * ${USES_SPAN} + u.n`, 4))}, 'ADMITTED', NULL, ${timeSql(useAt("u.n"))}, 1, 1, u.n, NULL, 0 ` +
        `${source.replace(" JOIN", ` JOIN (SELECT seq AS n FROM seq_0_to_${PASS_USES - 1}) u ON u.n < ${uses} JOIN`)}`,
    });
  }
  return jobs;
}

/**
 * The actors' event, open now: its tickets (sold over the month before), half of them
 * already through the gates since the doors opened, each once (ADMITTED, inside), and a
 * few second scans denied as ALREADY_USED. The other half are still to come, for the
 * bench's gates to admit.
 */
export function bigEvent(world: SeedWorld, event: BigEvent): SqlJob[] {
  const total = world.sizes.bigEventTickets;
  const validUntil = event.startsAt + 12 * 3_600_000;
  const sold = Math.min(event.doorsOpenAt, world.end) - 30 * DAY_MS;
  const admittedUntil = Math.max(event.doorsOpenAt + 60_000, world.end);
  const created = `(${sold} + FLOOR(seq * ${29 * DAY_MS} / ${total}))`;
  const ticketId = idSql(created, TAG.bigTicket, "seq");
  const admitted = "(seq % 2 = 0)";
  const moved = `(${event.doorsOpenAt} + FLOOR(${shareSql("M", "seq")} * ${admittedUntil - event.doorsOpenAt}))`;
  const movedAt = `IF(${admitted}, ${timeSql(moved)}, NULL)`;
  const again = `LEAST(${world.end}, ${moved} + 30000)`;
  const phone = phoneSql(pickSql("h", "seq", world.sizes.customers));
  const seat = "CONCAT('B-', seq + 1)";
  const gate = (salt: string) => GATES.replace("%s", pickSql(salt, "seq", 4));
  const jobs: SqlJob[] = [];
  for (let from = 0; from < total; from += SQL_CHUNK) {
    const range = serials(from, Math.min(total, from + SQL_CHUNK));
    jobs.push(
      {
        table: "tickets",
        sql:
          `INSERT INTO tickets (${TICKET_COLUMNS}) SELECT ${ticketId}, ${text(event.partnerId)}, ${text(event.id)}, CONCAT('seed-big-', seq), ${phone}, 1, ${seat}, 1, IF(${admitted}, 0, 1), ` +
          `${timeSql(String(event.doorsOpenAt))}, ${timeSql(String(validUntil))}, ${contentHashSql(text(event.id), phone, seat, 1, String(event.doorsOpenAt), String(validUntil))}, ` +
          `${timeSql(created)}, ${movedAt}, IF(${admitted}, 1, 0), ${movedAt}, ${movedAt} FROM ${range}`,
      },
      {
        table: "admissions",
        sql:
          `INSERT INTO admissions (${ADMISSION_COLUMNS}) SELECT ${idSql(moved, TAG.bigAdmission, "seq")}, ${text(event.id)}, ${ticketId}, ${gate("G")}, 'ADMITTED', NULL, ${timeSql(moved)}, 1, 1, 0, NULL, 0 ` +
          `FROM ${range} WHERE ${admitted}`,
      },
      {
        table: "admissions",
        sql:
          `INSERT INTO admissions (${ADMISSION_COLUMNS}) SELECT ${idSql(again, TAG.bigDenied, "seq")}, ${text(event.id)}, ${ticketId}, ${gate("D")}, 'DENIED', 'ALREADY_USED', ${timeSql(again)}, 0, 0, NULL, ${timeSql(moved)}, 0 ` +
          `FROM ${range} WHERE seq % 50 = 0`,
      },
    );
  }
  return jobs;
}
