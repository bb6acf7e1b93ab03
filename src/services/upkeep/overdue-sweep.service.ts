import type { BillOverdue } from "../bills/bill-overdue";
import type { ServiceDeps } from "../kernel/deps";

/** Each wait is the interval give or take this share, so instances started together drift apart. */
const JITTER = 0.1;

/**
 * Tells billers of bills that fell due unpaid (`bill.overdue`), every RETENTION_SWEEP_MS
 * on every instance, without taking turns: each bill's mark is one conditional UPDATE,
 * so whichever instance marks it sends its one webhook (bills/bill-overdue.ts).
 */
export class OverdueSweep {
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private underWay: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: Pick<ServiceDeps, "config" | "logger">,
    readonly overdue: BillOverdue,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.underWay;
  }

  /** Tells every bill due now; resolves to how many this sweep told. */
  sweep(): Promise<number> {
    const run = this.overdue.sweep();
    this.underWay = run.catch(() => undefined);
    return run;
  }

  private schedule(): void {
    if (!this.started) return;
    const every = this.deps.config.retention.sweepMs;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.sweep()
          .then((told) => told > 0 && this.deps.logger.info({ told }, "bills overdue told"))
          .catch((error) => this.deps.logger.error({ err: String(error) }, "overdue sweep failed"))
          .finally(() => this.schedule());
      },
      Math.round(every * (1 - JITTER + Math.random() * 2 * JITTER)),
    );
    this.timer.unref();
  }
}
