/**
 * Runs at most `slots` jobs at once, and serves waiting jobs fairly between their owners
 * (a client address, say): a freed slot goes to the owner with the fewest jobs running,
 * the longest-unserved among equals, each owner's own jobs in order. So an owner with one
 * job waits for one job of those running to end, however many another owner has queued.
 */
export class FairQueue {
  /** Owners with jobs waiting, in the order they are to be served among equals. */
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly runningOf = new Map<string, number>();
  private running = 0;

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error("a FairQueue needs at least one slot");
  }

  /** Runs `job` for `owner` when it is its turn; resolves or rejects as the job does. */
  async run<T>(owner: string, job: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots || this.waiting.size > 0) {
      await new Promise<void>((start) => {
        const queue = this.waiting.get(owner);
        if (queue) queue.push(start);
        else this.waiting.set(owner, [start]);
        this.next();
      });
    } else {
      this.started(owner);
    }
    try {
      return await job();
    } finally {
      this.ended(owner);
    }
  }

  /** Jobs running and waiting, for the curious (metrics, tests). */
  get size(): { running: number; waiting: number } {
    let waiting = 0;
    for (const queue of this.waiting.values()) waiting += queue.length;
    return { running: this.running, waiting };
  }

  private started(owner: string): void {
    this.running++;
    this.runningOf.set(owner, (this.runningOf.get(owner) ?? 0) + 1);
  }

  private ended(owner: string): void {
    this.running--;
    const left = (this.runningOf.get(owner) ?? 1) - 1;
    if (left > 0) this.runningOf.set(owner, left);
    else this.runningOf.delete(owner);
    this.next();
  }

  private next(): void {
    while (this.running < this.slots && this.waiting.size > 0) {
      let chosen: string | null = null;
      for (const owner of this.waiting.keys()) {
        if (chosen === null || (this.runningOf.get(owner) ?? 0) < (this.runningOf.get(chosen) ?? 0)) chosen = owner;
      }
      const queue = this.waiting.get(chosen!)!;
      const start = queue.shift()!;
      // Served: to the back of the line among equals.
      this.waiting.delete(chosen!);
      if (queue.length > 0) this.waiting.set(chosen!, queue);
      this.started(chosen!);
      start();
    }
  }
}
