import { LessThan } from "typeorm";
import { PaymentEntity } from "../../entities";
import type { ServiceDeps } from "../kernel/deps";
import { RepeatAlone } from "../kernel/repeat-alone";
import type { PaymentDecisions } from "../payments/payment-decisions.service";

/** How often each instance looks for authorizations past their days. */
const SWEEP_EVERY_MS = 60_000;
/** Payments released per look; a backlog is taken in turns of this many. */
const BATCH = 100;
const DAY_MS = 86_400_000;

/**
 * Releases authorizations (capture later) not captured within AUTHORIZATION_DAYS of
 * their approval. Every instance sweeps, without taking turns: each payment is released
 * by its own conditional UPDATE from AUTHORIZED (the decisions' `release`), so when two
 * instances pick the same payment, or a register captures it at that moment, the row
 * decides and exactly one move happens; the loser changes nothing and tells nobody.
 */
export class AuthorizationSweep {
  private readonly sweeps: RepeatAlone;

  constructor(
    private readonly deps: Pick<ServiceDeps, "db" | "clock" | "config" | "logger">,
    private readonly decisions: PaymentDecisions,
  ) {
    this.sweeps = new RepeatAlone(() => this.sweep(), SWEEP_EVERY_MS, (err) => deps.logger.error({ err: String(err) }, "authorization sweep failed"));
  }

  /** Releases up to a batch of overdue authorizations; how many this call released. */
  async sweep(): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - this.deps.config.authorizationDays * DAY_MS);
    const overdue = await this.deps.db.read(
      (m) => m.find(PaymentEntity, { where: { status: "AUTHORIZED", decidedAt: LessThan(cutoff) }, order: { decidedAt: "ASC" }, take: BATCH }),
      // Another instance, on another database node, may have just captured or released some.
      { fresh: true },
    );
    let released = 0;
    for (const payment of overdue) {
      if (await this.deps.db.tx((tx) => this.decisions.release(tx, payment))) released++;
    }
    if (released > 0) this.deps.logger.info({ released }, "authorizations past their days released");
    return released;
  }

  start(): void {
    this.sweeps.start();
  }

  stop(): Promise<void> {
    return this.sweeps.stop();
  }
}
