/**
 * How many attempts one receiver may have under way at once on this instance, found as
 * TCP finds its window: additive increase, multiplicative decrease. While messages wait
 * for a turn, a receiver that keeps answering gets one attempt more once as many
 * attempts as it may have succeeded (about one more per round trip), up to `max`; each
 * failure or timeout halves what it may have, never below `min`. A partner's web server
 * that takes many requests at once is sent many, one that struggles is sent few, and
 * neither is configured by hand.
 */
export class AdaptiveLimit {
  private successes = 0;
  private allowed: number;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.allowed = min;
  }

  /** Attempts that may be under way at once now. */
  get current(): number {
    return this.allowed;
  }

  /** An attempt delivered; `waiting`: others were waiting for a turn meanwhile (more would have been sent). */
  succeeded(waiting: boolean): void {
    if (!waiting || this.allowed >= this.max) return;
    if (++this.successes < this.allowed) return;
    this.successes = 0;
    this.allowed++;
  }

  /** An attempt failed or timed out: the receiver is sent half as many at once. */
  failed(): void {
    this.successes = 0;
    this.allowed = Math.max(this.min, Math.floor(this.allowed / 2));
  }
}
