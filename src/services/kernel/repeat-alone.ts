/**
 * Background work run every `everyMs`, one run at a time: a tick that finds the last run
 * still going does nothing. A plain setInterval starts a new run every tick whatever the
 * last one is doing, so work that has become slow (a scan that lost its index, a database
 * under load) piles up runs, each holding a connection, until the pool is gone.
 */
export class RepeatAlone {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly everyMs: number,
    /** Told of a run that failed; the next tick runs again. */
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runNow(), this.everyMs);
    this.timer.unref();
  }

  /** Stops the ticks and waits for a run under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs the work now unless a run is under way; resolves when that run is over. */
  runNow(): Promise<void> {
    this.running ??= this.work()
      .then(() => undefined, this.onError)
      .finally(() => (this.running = null));
    return this.running;
  }
}
