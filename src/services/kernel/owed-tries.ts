import { LRUCache } from "lru-cache";

/**
 * How long before its window ends a try given back is no longer owed: the window's
 * counter may expire before the key's next try reaches it, and a try given back to a
 * fresh window would be one more than the limit allows.
 */
const WINDOW_END_MARGIN_MS = 1000;

/**
 * Tries of a guessing limit given back on this instance (the guess was right) and not yet
 * returned to the counters: each rides with the key's next try (one call for both), so
 * a right guess costs the counters a single call. Until then a key counts the tries it is
 * owed, as it counts a try in flight; one owed when its window ends is dropped with it.
 */
export class OwedTries {
  private readonly owed = new LRUCache<string, { tries: number; windowEndsAt: number }>({ max: 10_000 });

  /** A try taken in the window that ends at `windowEndsAt` (Date.now()) is given back. */
  giveBack(id: string, windowEndsAt: number): void {
    const held = this.owed.get(id);
    // Each try's window end is worked out from its own answer, a few milliseconds apart; windows are a minute apart.
    if (held && Math.abs(held.windowEndsAt - windowEndsAt) < WINDOW_END_MARGIN_MS) {
      held.tries++;
      held.windowEndsAt = Math.min(held.windowEndsAt, windowEndsAt);
      return;
    }
    // A try of a window before the one owed to: that window is over.
    if (held && held.windowEndsAt > windowEndsAt) return;
    this.owed.set(id, { tries: 1, windowEndsAt }, { ttl: Math.max(1, windowEndsAt - Date.now()) });
  }

  /** The tries owed to `id`'s counter in its current window, now handed over: none are owed after. */
  takeOwed(id: string): number {
    const held = this.owed.get(id);
    if (!held) return 0;
    this.owed.delete(id);
    return Date.now() < held.windowEndsAt - WINDOW_END_MARGIN_MS ? held.tries : 0;
  }
}
