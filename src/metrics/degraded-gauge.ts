import type { Readiness } from "../readiness";
import type { WalletMetrics } from "./wallet-metrics";

/**
 * `wallet_degraded{dependency="redis"}`: 1 while Redis does not answer. The instance is
 * then still ready (/ready says "degraded"): payments go on, rate limits count per
 * instance and live events between instances are lost (counted by
 * wallet_live_events_unpublished_total). Read from /ready's own (reused) check.
 */
export function registerDegradedGauge(metrics: WalletMetrics, readiness: Readiness): void {
  metrics.gauge("wallet_degraded", "1 while a dependency the instance can serve without does not answer (the instance stays ready), by dependency", ["dependency"], async (gauge) => {
    const answer = await readiness.check();
    gauge.set({ dependency: "redis" }, answer.body.redis === "unreachable" ? 1 : 0);
  });
}
