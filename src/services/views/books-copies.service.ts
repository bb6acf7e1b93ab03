import { isUniqueViolation, type Tx } from "../../database";
import { BooksCopyEntity, PartnerEntity, StoreEntity } from "../../entities";
import type { TreeHead } from "../../../clients/wire/receipt";
import type { BooksService } from "../books/books.service";
import type { OutboxService } from "../delivery/outbox.service";
import { webhookDestination, webhookSender, type WebhookEvent } from "../delivery/webhooks";
import type { WebhookSecrets } from "../delivery/webhook-secrets";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, forbidden, notFound } from "../kernel/errors";
import { newId } from "../kernel/ids";

/** The outbox topic of books.sealed: its message names the receiver only; the head is read when it is sent. */
export const BOOKS_SEALED_TOPIC = "books.sealed";
export const BOOKS_SEALED_EVENT = "books.sealed";

type Receiver = { partnerId: string } | { storeId: string };

/**
 * The books.sealed webhook to partners and stores that keep a copy of the books. Heads
 * are signed every few seconds, so it costs at most one outbox row per receiver per
 * BOOKS_COPY_MS, and only when the books grew (a head signed again over the same
 * receipts changes nothing a copy holds). A message names its receiver, not a head: the
 * attempt that delivers it sends the latest signed head, so a receiver that was behind
 * gets the latest one (a consistency proof from its last covers the gap), and while one
 * message still waits for a receiver that is down, no other joins it.
 */
export class BooksCopies {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbox: OutboxService,
    private readonly books: BooksService,
    secrets: WebhookSecrets,
  ) {
    const send = webhookSender(deps, secrets);
    outbox.register(
      BOOKS_SEALED_TOPIC,
      async (payload, signal) => {
        const event = payload as unknown as WebhookEvent;
        // A receiver that stopped keeping a copy gets no more, not even one written before.
        const keeps = await deps.db.read((m) => m.countBy(BooksCopyEntity, { destination: webhookDestination(payload) }));
        const head = keeps > 0 ? await this.books.latestHead() : null;
        if (!head) return;
        await send({ ...event, data: { ...head } } as unknown as Record<string, unknown>, signal);
      },
      webhookDestination,
    );
  }

  /**
   * Opts a receiver in or out. A partner (its PARTNER key: its back office) for itself; the
   * admin for a partner or a store by `ownerId` (a store has no back-office credential,
   * and its register is a till: what the store's back office receives is set where the
   * store was made, by the admin).
   */
  async keepBooksCopy(caller: Caller, enabled: boolean, ownerId?: string | null): Promise<boolean> {
    const destination = await this.destinationFor(caller, ownerId ?? null, enabled);
    const { db, clock } = this.deps;
    if (!enabled) {
      await db.tx((tx) => tx.write("DELETE FROM books_copies WHERE destination = ?", [destination]));
      return false;
    }
    const now = clock.now();
    try {
      await db.tx((tx) => tx.add(BooksCopyEntity, Object.assign(new BooksCopyEntity(), { destination, dueAt: now, messageId: null, createdAt: now })));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // kept already: opting in again changes nothing
    }
    return true;
  }

  private async destinationFor(caller: Caller, ownerId: string | null, enabled: boolean): Promise<string> {
    if (caller.kind === "partner") {
      if (ownerId !== null && ownerId !== caller.partnerId) forbidden("A partner keeps a copy for itself only");
      return this.checked({ partnerId: caller.partnerId }, enabled);
    }
    if (caller.kind !== "admin") return forbidden();
    if (!ownerId) return badInput("ownerId names the partner or store that keeps a copy", { field: "ownerId" });
    const [partner, store] = await this.deps.db.read((m) => Promise.all([m.findOneBy(PartnerEntity, { id: ownerId }), m.findOneBy(StoreEntity, { id: ownerId })]));
    if (partner) return this.checked({ partnerId: partner.id }, enabled);
    if (store) return this.checked({ storeId: store.id }, enabled);
    return notFound("partner or store");
  }

  /** A copy goes by webhook: a receiver without a webhook URL could never get one. */
  private async checked(receiver: Receiver, enabled: boolean): Promise<string> {
    const destination = webhookDestination(receiver as Record<string, unknown>);
    if (!enabled) return destination;
    const owner = await this.deps.db.read((m) =>
      "partnerId" in receiver ? m.findOneBy(PartnerEntity, { id: receiver.partnerId }) : m.findOneBy(StoreEntity, { id: receiver.storeId }),
    );
    if (!owner?.webhookUrl) badInput("it has no webhook URL to send the books' heads to", { field: "enabled" });
    return destination;
  }

  /**
   * In the sealer's transaction, for a head over more receipts than the last: one message
   * to each receiver that is due and has none still waiting (a message in flight may have
   * read an older head, so it does not count as waiting).
   */
  async sealed(tx: Tx, head: TreeHead): Promise<void> {
    const now = this.deps.clock.now();
    const due = await tx.select<{ destination: string; messageId: string | null }>("SELECT destination, messageId FROM books_copies WHERE dueAt <= ?", [now]);
    if (due.length === 0) return;
    const asked = due.map((row) => row.messageId).filter((id): id is string => id !== null);
    const waiting = new Set<string>();
    if (asked.length > 0) {
      const marks = asked.map(() => "?").join(", ");
      const rows = await tx.select<{ id: string }>(
        `SELECT id FROM outbox_messages WHERE id IN (${marks}) AND deliveredAt IS NULL AND deadAt IS NULL AND (lockedUntil IS NULL OR lockedUntil < ?)`,
        [...asked, now],
      );
      for (const row of rows) waiting.add(row.id);
    }
    const next = new Date(now.getTime() + this.deps.config.booksCopyMs);
    for (const { destination, messageId } of due) {
      if (messageId && waiting.has(messageId)) continue;
      const [kind, id] = destination.split(":", 2);
      const event: WebhookEvent = { eventId: newId(), ...(kind === "store" ? { storeId: id } : { partnerId: id }), type: BOOKS_SEALED_EVENT, data: { size: head.size }, createdAt: now.toISOString() };
      const sent = this.outbox.send(tx, BOOKS_SEALED_TOPIC, event as unknown as Record<string, unknown>);
      await tx.write("UPDATE books_copies SET dueAt = ?, messageId = ? WHERE destination = ?", [next, sent, destination]);
    }
  }

}
