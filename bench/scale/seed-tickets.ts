import { at, idAt, text, type Batch } from "./seed-sql";
import { DAY_MS, pick, sha256, type SeedWorld } from "./seed-world";

/** Uses of a season pass: each of the other events' tickets. */
const PASS_USES = 12;
const GATES = ["north", "south", "east", "west"];

const TICKET_COLUMNS = [
  "id", "partnerId", "eventId", "issueNumber", "holderPhone", "holderVersion", "seat", "usesAllowed", "usesLeft", "validFrom", "validUntil",
  "contentHash", "createdAt", "lastUsedAt", "inside", "movedAt", "updatedAt",
];
const ADMISSION_COLUMNS = ["id", "eventId", "ticketId", "gate", "result", "reason", "at", "tookUse", "countsVisitor", "visitDay", "firstUsedAt", "offline"];

/** The actors' event as the seeder needs it. */
export interface BigEvent {
  id: string;
  partnerId: string;
  doorsOpenAt: number;
  startsAt: number;
}

/** A ticket's content hash, as ticket.service.ts makes it. */
function contentHash(eventId: string, holderPhone: string, seat: string, usesAllowed: number, validFrom: number, validUntil: number): string {
  return sha256(JSON.stringify({ eventId, holderPhone, seat, usesAllowed, validFrom: new Date(validFrom).toISOString(), validUntil: new Date(validUntil).toISOString() }));
}

/**
 * The year's other events, one every few days, half the actors' partner's: each sold
 * season passes (PASS_USES uses, a month long) that were used about as often as the
 * admissions' size asks, one admission per day; the ADMITTED rows counted as visitors,
 * as admission.service.ts counts them. Each event's admissions are written in time order.
 */
export function* events(world: SeedWorld): Generator<Batch[]> {
  const { events: count, otherTickets, admissions, bigEventTickets } = world.sizes;
  const perEvent = Math.max(1, Math.round(otherTickets / count));
  // What the big event's admissions leave, spread over the passes.
  const usesPerTicket = Math.max(1, Math.min(PASS_USES, Math.round((admissions - bigEventTickets / 2) / (perEvent * count))));
  const eventRows: string[] = [];
  const plans: Array<{ id: string; partnerId: string; doorsOpen: number; starts: number }> = [];
  for (let e = 0; e < count; e++) {
    // The last one starts forty days before the year ends, so each pass's month is over.
    const starts = world.start + (e / count) * (world.end - world.start - 40 * DAY_MS);
    const doorsOpen = starts - 3_600_000;
    const partnerId = e % 2 === 0 ? world.actors.partner.id : world.partnerIds[e % world.partnerIds.length];
    const id = idAt(starts - 30 * DAY_MS);
    plans.push({ id, partnerId, doorsOpen, starts });
    eventRows.push(`(${text(id)},${text(partnerId)},${text(`Seed Event ${e + 1}`)},'Seed Hall',${at(starts)},${at(doorsOpen)},60,${at(starts - 30 * DAY_MS)},0)`);
  }
  yield [{ table: "events", columns: ["id", "partnerId", "title", "venue", "startsAt", "doorsOpenAt", "releaseMinutesBeforeDoors", "createdAt", "allowReentry"], rows: eventRows }];

  for (let e = 0; e < count; e++) {
    const plan = plans[e];
    const validUntil = plan.starts + 30 * DAY_MS;
    const sold = plan.starts - 20 * DAY_MS;
    const tickets: string[] = [];
    const entries: Array<{ at: number; row: string }> = [];
    for (let t = 0; t < perEvent; t++) {
      const ticketId = idAt(sold + t);
      const phone = world.phones[pick(world.phones.length)];
      const seat = `S-${t + 1}`;
      const uses = Math.max(0, Math.min(PASS_USES, usesPerTicket + pick(3) - 1));
      let last = 0;
      for (let u = 0; u < uses; u++) {
        const when = plan.doorsOpen + u * DAY_MS + pick(8 * 3_600_000);
        last = when;
        entries.push({ at: when, row: `${text(plan.id)},${text(ticketId)},'${GATES[pick(GATES.length)]}','ADMITTED',NULL,${at(when)},1,1,${u},NULL,0` });
      }
      const used = uses > 0 ? at(last) : "NULL";
      tickets.push(
        `(${text(ticketId)},${text(plan.partnerId)},${text(plan.id)},${text(`seed-${e}-${t}`)},${text(phone)},1,${text(seat)},${PASS_USES},${PASS_USES - uses},` +
          `${at(plan.doorsOpen)},${at(validUntil)},${text(contentHash(plan.id, phone, seat, PASS_USES, plan.doorsOpen, validUntil))},${at(sold + t)},${used},0,${used},${used})`,
      );
    }
    entries.sort((a, b) => a.at - b.at);
    yield [
      { table: "tickets", columns: TICKET_COLUMNS, rows: tickets },
      { table: "admissions", columns: ADMISSION_COLUMNS, rows: entries.map((entry) => `(${text(idAt(entry.at))},${entry.row})`) },
    ];
  }
}

/**
 * The actors' event, open now: its tickets (sold over the month before), half of them
 * already through the gates since the doors opened, each once (ADMITTED, inside), and a
 * few second scans denied as ALREADY_USED. The other half are still to come, for the
 * bench's gates to admit.
 */
export function* bigEvent(world: SeedWorld, event: BigEvent): Generator<Batch[]> {
  const total = world.sizes.bigEventTickets;
  const validUntil = event.startsAt + 12 * 3_600_000;
  const sold = Math.min(event.doorsOpenAt, world.end) - 30 * DAY_MS;
  const admittedUntil = Math.max(event.doorsOpenAt + 60_000, world.end);
  const chunk = 2_000;
  for (let from = 0; from < total; from += chunk) {
    const tickets: string[] = [];
    const entries: Array<{ at: number; row: string }> = [];
    for (let t = from; t < Math.min(total, from + chunk); t++) {
      const created = sold + (t / total) * 29 * DAY_MS;
      const ticketId = idAt(created);
      const phone = world.phones[pick(world.phones.length)];
      const seat = `B-${t + 1}`;
      const admitted = t % 2 === 0;
      let moved = "NULL";
      if (admitted) {
        const when = event.doorsOpenAt + Math.random() * Math.max(1, admittedUntil - event.doorsOpenAt);
        moved = at(when);
        entries.push({ at: when, row: `${text(event.id)},${text(ticketId)},'${GATES[pick(GATES.length)]}','ADMITTED',NULL,${moved},1,1,0,NULL,0` });
        if (t % 50 === 0) {
          const again = Math.min(world.end, when + 30_000);
          entries.push({ at: again, row: `${text(event.id)},${text(ticketId)},'${GATES[pick(GATES.length)]}','DENIED','ALREADY_USED',${at(again)},0,0,NULL,${moved},0` });
        }
      }
      tickets.push(
        `(${text(ticketId)},${text(event.partnerId)},${text(event.id)},${text(`seed-big-${t}`)},${text(phone)},1,${text(seat)},1,${admitted ? 0 : 1},` +
          `${at(event.doorsOpenAt)},${at(validUntil)},${text(contentHash(event.id, phone, seat, 1, event.doorsOpenAt, validUntil))},${at(created)},` +
          `${moved},${admitted ? 1 : 0},${moved},${moved})`,
      );
    }
    entries.sort((a, b) => a.at - b.at);
    yield [
      { table: "tickets", columns: TICKET_COLUMNS, rows: tickets },
      { table: "admissions", columns: ADMISSION_COLUMNS, rows: entries.map((entry) => `(${text(idAt(entry.at))},${entry.row})`) },
    ];
  }
}
