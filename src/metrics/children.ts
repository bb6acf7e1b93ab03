/**
 * prom-client's `labels()` builds a new child (and its closures) on every call; on the
 * redeem path each label combination's child is made once and kept here instead. Every
 * label value that reaches this is one of a fixed set (wallet-metrics.ts), so the maps
 * stay small.
 */
export class Children<T> {
  private readonly made = new Map<string, Map<string, T>>();

  constructor(private readonly make: (first: string, second: string) => T) {}

  get(first: string, second: string): T {
    let inner = this.made.get(first);
    if (!inner) this.made.set(first, (inner = new Map()));
    let child = inner.get(second);
    if (child === undefined) inner.set(second, (child = this.make(first, second)));
    return child;
  }
}
