import { BillEntity } from "../../entities";
import type { AtCommit } from "../../database";
import type { ServiceDeps } from "../kernel/deps";
import type { OutboxService } from "../delivery/outbox.service";
import { sendWebhook } from "../delivery/webhooks";
import { sql } from "../kernel/status-table";
import { BILL_MOVES } from "./bill-states";
import { billViews } from "./bill-views";

/** Bills told per batch. */
const BATCH = 100;

/**
 * `bill.overdue` to the biller, once per bill, when its due date passes unpaid. A bill is
 * marked told by one conditional UPDATE (not told yet, and OVERDUE by the bill table's
 * own condition: stored OPEN, no card payment holding it, due), and the webhook (and its
 * event) is inserted with that UPDATE's COMMIT only if it changed the row. Two instances
 * sweeping the same bill at once both try; one UPDATE wins, and only its webhook exists.
 * A bill held by a card payment at its due date is told once the hold is released, if it
 * is still unpaid.
 */
export class BillOverdue {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbox: OutboxService,
  ) {}

  /** The condition a bill to tell meets at `now`, for the pick and for the UPDATE. */
  private due(now: Date) {
    const overdue = BILL_MOVES.whereStatus(["OVERDUE"], { now });
    return sql(`overdueNotifiedAt IS NULL AND ${overdue.sql}`, ...overdue.params);
  }

  /** Tells every bill that fell due unpaid and was not told yet; resolves to how many this call told. */
  async sweep(): Promise<number> {
    let told = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const pick = this.pick(now);
      const picked = await this.deps.db.select<{ id: string }>(pick.sql, pick.params);
      for (const { id } of picked) told += await this.tell(String(id), now);
      if (picked.length < BATCH) return told;
    }
  }

  /** Up to a batch of bills to tell, by IDX_bills_overdue (overdueNotifiedAt, status, dueDate); its plan is tested on both engines. */
  pick(now: Date): { sql: string; params: unknown[] } {
    const due = this.due(now);
    return { sql: `SELECT id FROM bills WHERE ${due.sql} ORDER BY dueDate LIMIT ${BATCH}`, params: due.params };
  }

  /** One bill: 1 if this call marked and told it, 0 if another did (or it was paid meanwhile). */
  async tell(billId: string, now: Date): Promise<number> {
    const due = this.due(now);
    const mark = await this.deps.db.tx(async (tx): Promise<AtCommit | null> => {
      const bill = await tx.findOneBy(BillEntity, { id: billId });
      if (!bill) return null;
      const marked = tx.atCommit({ sql: `UPDATE bills SET overdueNotifiedAt = ? WHERE id = ? AND ${due.sql}`, params: [now, billId, ...due.params] });
      // Like every webhook, the bill as it is after the event: OVERDUE, unpaid.
      const [{ paymentId: _payment, ...view }] = await billViews(tx, [bill], now);
      const data = { ...view, status: "OVERDUE", dueDate: view.dueDate.toISOString(), paidAt: null };
      sendWebhook(this.outbox, tx, { partnerId: bill.partnerId }, "bill.overdue", data, now, { onlyIf: marked });
      return marked;
    });
    return mark?.changed ?? 0;
  }
}
