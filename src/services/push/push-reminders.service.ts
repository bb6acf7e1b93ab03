import { isUniqueViolation } from "../../database";
import { PushReminderEntity } from "../../entities";
import type { ServiceDeps } from "../kernel/deps";
import { newId } from "../kernel/ids";
import { RepeatAlone } from "../kernel/repeat-alone";
import type { Notice } from "../kernel/notices";

const HOUR_MS = 3_600_000;
/** A bill is "due soon" this long before its due date. */
export const BILL_DUE_SOON_MS = 24 * HOUR_MS;
/** Ticket codes are released at most 30 days before doors open (tickets/ticket-event.service.ts). */
const LONGEST_RELEASE_MS = 30 * 24 * HOUR_MS;
const BATCH = 100;

interface DueBill {
  id: string;
  customerId: string;
  partnerName: string;
  amount: number;
  currency: string;
  dueDate: Date | string;
}

interface ReleasedTicket {
  id: string;
  customerId: string;
  holderVersion: number;
  title: string;
  startsAt: Date | string;
}

/**
 * The reminders nothing else sets off, found by a sweep (PUSH_REMINDER_SWEEP_MS): a bill
 * due within a day, and a ticket whose codes are released (before its doors open), to
 * customers with a push subscription. Each is told once per object (and ticket holder):
 * its row in push_reminders, inserted in the transaction that tells it, is unique, so
 * instances sweeping at once tell it once. Any instance may sweep.
 */
export class PushReminders {
  /** Sweeps every PUSH_REMINDER_SWEEP_MS, one at a time. */
  private readonly sweeps: RepeatAlone;

  constructor(private readonly deps: ServiceDeps) {
    this.sweeps = new RepeatAlone(() => this.sweep(), deps.config.pushReminderSweepMs, (error) =>
      deps.logger.error({ err: String(error) }, "push reminder sweep failed"),
    );
  }

  start(): void {
    if (this.deps.vapid) this.sweeps.start();
  }

  stop(): Promise<void> {
    return this.sweeps.stop();
  }

  /** One sweep unless one is under way; resolves when it is over. */
  sweepOnce(): Promise<void> {
    return this.sweeps.runNow();
  }

  private async sweep(): Promise<number> {
    const now = this.deps.clock.now();
    let told = 0;
    for (const bill of await this.dueBills(now)) {
      const notice: Notice = { kind: "billDue", billId: bill.id, billerName: bill.partnerName, amount: bill.amount, currency: bill.currency, dueAt: asDate(bill.dueDate).toISOString() };
      if (await this.tellOnce("billDue", bill.id, 0, bill.customerId, notice)) told++;
    }
    for (const ticket of await this.releasedTickets(now)) {
      const notice: Notice = { kind: "ticketReleased", ticketId: ticket.id, eventName: ticket.title, startsAt: asDate(ticket.startsAt).toISOString() };
      if (await this.tellOnce("ticketReleased", ticket.id, Number(ticket.holderVersion), ticket.customerId, notice)) told++;
    }
    return told;
  }

  /** Open bills due within a day, of customers with a subscription, not yet reminded. */
  private dueBills(now: Date): Promise<DueBill[]> {
    return this.deps.db.read((m) =>
      m
        .createQueryBuilder()
        .select(["b.id AS id", "c.id AS customerId", "p.name AS partnerName", "b.amount AS amount", "b.currency AS currency", "b.dueDate AS dueDate"])
        .from("bills", "b")
        .innerJoin("customers", "c", "c.phone = b.customerPhone")
        .innerJoin("partners", "p", "p.id = b.partnerId")
        .leftJoin("push_reminders", "r", "r.kind = 'billDue' AND r.objectId = b.id")
        .where("b.status = 'OPEN' AND b.dueDate > :now AND b.dueDate <= :soon AND r.id IS NULL", { now, soon: new Date(now.getTime() + BILL_DUE_SOON_MS) })
        .andWhere("EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.customerId = c.id)")
        .orderBy("b.dueDate")
        .limit(BATCH)
        .getRawMany<DueBill>(),
    );
  }

  /**
   * Tickets whose codes are out and whose doors are not open yet, held by customers with a
   * subscription, not yet reminded to this holder. The events come first (few), the
   * release time is worked out here: a sum of a time and minutes reads differently in
   * MySQL and SQLite.
   */
  private async releasedTickets(now: Date): Promise<ReleasedTicket[]> {
    const events = await this.deps.db.read((m) =>
      m
        .createQueryBuilder()
        .select(["e.id AS id", "e.doorsOpenAt AS doorsOpenAt", "e.releaseMinutesBeforeDoors AS releaseMinutes"])
        .from("events", "e")
        .where("e.doorsOpenAt > :now AND e.doorsOpenAt <= :latest", { now, latest: new Date(now.getTime() + LONGEST_RELEASE_MS) })
        .getRawMany<{ id: string; doorsOpenAt: Date | string; releaseMinutes: number }>(),
    );
    const released = events.filter((e) => asDate(e.doorsOpenAt).getTime() - Number(e.releaseMinutes) * 60_000 <= now.getTime()).map((e) => e.id);
    if (released.length === 0) return [];
    return this.deps.db.read((m) =>
      m
        .createQueryBuilder()
        .select(["t.id AS id", "c.id AS customerId", "t.holderVersion AS holderVersion", "e.title AS title", "e.startsAt AS startsAt"])
        .from("tickets", "t")
        .innerJoin("events", "e", "e.id = t.eventId")
        .innerJoin("customers", "c", "c.phone = t.holderPhone")
        .leftJoin("push_reminders", "r", "r.kind = 'ticketReleased' AND r.objectId = t.id AND r.version = t.holderVersion")
        .where("t.eventId IN (:...released) AND t.revokedAt IS NULL AND t.validUntil > :now AND r.id IS NULL", { released: released.slice(0, 500), now })
        .andWhere("EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.customerId = c.id)")
        .limit(BATCH)
        .getRawMany<ReleasedTicket>(),
    );
  }

  /** Tells the reminder with its row; false when another sweep told it first. */
  private async tellOnce(kind: string, objectId: string, version: number, customerId: string, notice: Notice): Promise<boolean> {
    try {
      await this.deps.db.tx(async (tx) => {
        await tx.add(PushReminderEntity, { id: newId(), kind, objectId, version, createdAt: this.deps.clock.now() });
        this.deps.notices?.tell(tx, customerId, notice);
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}

/** A time column as a raw query returns it: mysql2 a Date, SQLite TypeORM's UTC text. */
function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
}
