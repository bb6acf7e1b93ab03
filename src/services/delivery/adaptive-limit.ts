/**
 * How many attempts one receiver may have under way at once on this instance, found as
 * TCP finds its window. While messages wait for a turn, each delivery lets one more go
 * at once (about twice as many each round trip: slow start) until the first failure;
 * from then on, past half of what it had when it failed, one more only once as many as
 * it may have were delivered (about one more per round trip). Never more than `max`;
 * each failure or timeout halves it, never below `min`. A partner's web server that takes
 * many requests at once is soon sent many, one that struggles is sent few, and neither
 * is configured by hand.
 */
export class AdaptiveLimit {
  private allowed: number;
  /** Below it, growth is slow start's; at or above it, one per round trip. Lowered by failures. */
  private threshold: number;
  private successes = 0;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.allowed = min;
    this.threshold = max;
  }

  /** Attempts that may be under way at once now. */
  get current(): number {
    return this.allowed;
  }

  /** An attempt delivered; `waiting`: others were waiting for a turn meanwhile (more would have been sent). */
  succeeded(waiting: boolean): void {
    if (!waiting || this.allowed >= this.max) return;
    if (this.allowed < this.threshold) {
      this.allowed++;
      return;
    }
    if (++this.successes < this.allowed) return;
    this.successes = 0;
    this.allowed++;
  }

  /** An attempt failed or timed out: the receiver is sent half as many at once, and grows back slowly. */
  failed(): void {
    this.successes = 0;
    this.allowed = Math.max(this.min, Math.floor(this.allowed / 2));
    this.threshold = this.allowed;
  }
}
