import type { Tx } from "../../database";

/** What changed: a ticket (moved, revoked, used) or a membership's points. */
export type ChangedThing = "ticket" | "membership";

/** Runs inside the transaction of the change, so what it writes commits with it or not at all. */
export type ChangeListener = (tx: Tx, thing: ChangedThing, id: string) => Promise<void>;

/**
 * The door through which a domain above tickets and points (passes/: Wallet passes)
 * hears that a ticket or a membership changed, without those domains knowing it exists:
 * they announce the change inside their own transaction; the listener takes its part in
 * it (marks its passes changed, queues their update notices in the outbox), so a notice
 * exists exactly when the change committed.
 */
export class ChangeHooks {
  private readonly listeners: ChangeListener[] = [];
  /** What each transaction announced already: one notice per thing and transaction. */
  private readonly told = new WeakMap<Tx, Set<string>>();

  listen(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async changed(tx: Tx, thing: ChangedThing, id: string): Promise<void> {
    let told = this.told.get(tx);
    if (!told) this.told.set(tx, (told = new Set()));
    if (told.has(`${thing}:${id}`)) return;
    told.add(`${thing}:${id}`);
    for (const listener of this.listeners) await listener(tx, thing, id);
  }
}
