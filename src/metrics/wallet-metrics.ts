import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ServiceMetrics, ReversalReason } from "../services/kernel/metrics";
import type { Limit } from "../services/kernel/rate-limits";
import type { PaymentStatus } from "../entities/value-lists";
import { Children } from "./children";
import { declineLabel, statusLabel } from "./labels";

export type Transport = "http" | "ws";
export type InstitutionCall = "authorize" | "reverse" | "report" | "capture" | "release";
/** approved/declined: the institution answered an authorization; ok: a reversal or report went through. */
export type InstitutionOutcome = "approved" | "declined" | "ok" | "timeout" | "error";

/** Seconds: a no-op answers in about a millisecond, a redeem in tens, the institution's timeout is 3 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A gauge whose value is read when Prometheus scrapes, from a function that may query. */
export type GaugeSource<L extends string> = (gauge: Gauge<L>) => Promise<void> | void;

/**
 * The operator's metrics, one registry per server (tests run several in one process).
 * What happens in the services is counted through `ServiceMetrics`, which this
 * implements; what is a state (backlogs, open sockets) is read at scrape time through
 * the sources app.ts gives `gauges`. Names follow Prometheus' conventions: `wallet_`,
 * base units (`_seconds`), `_total` on counters. docs/operations.md lists them all.
 */
export class WalletMetrics implements ServiceMetrics {
  readonly registry = new Registry();

  private readonly operationSeconds = new Histogram({
    name: "wallet_operation_duration_seconds",
    help: "GraphQL operations, from request to response, by root field, outcome (ok or the error code) and transport",
    labelNames: ["operation", "outcome", "transport"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly operationChildren: Record<Transport, Children<{ observe(seconds: number): void }>> = {
    http: new Children((operation, outcome) => this.operationSeconds.labels(operation, outcome, "http")),
    ws: new Children((operation, outcome) => this.operationSeconds.labels(operation, outcome, "ws")),
  };

  private readonly redeems = new Counter({
    name: "wallet_redeem_outcomes_total",
    help: "Redeemed codes by the payment's outcome (approved, declined, pending_confirmation) and decline reason",
    labelNames: ["outcome", "reason"] as const,
    registers: [this.registry],
  });
  private readonly redeemChildren = new Children((outcome, reason) => this.redeems.labels(outcome, reason));

  private readonly institutionSeconds = new Histogram({
    name: "wallet_institution_request_duration_seconds",
    help: "Calls to the card institution by call (authorize, reverse, report) and outcome",
    labelNames: ["call", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly institutionChildren = new Children((call, outcome) => this.institutionSeconds.labels(call, outcome));

  private readonly institutionTimeouts = new Counter({
    name: "wallet_institution_timeouts_total",
    help: "Calls to the card institution abandoned without an answer in time (authorize: INSTITUTION_TIMEOUT_MS; reverse, report: OUTBOX_DELIVERY_TIMEOUT_MS)",
    labelNames: ["call"] as const,
    registers: [this.registry],
  });

  private readonly reversals = new Counter({
    name: "wallet_institution_reversals_total",
    help: "Reversals committed to the outbox, by reason (timeout, recovery after a crash, void, missing: an authorization whose payment its decision did not find)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  private readonly refusals = new Counter({
    name: "wallet_rate_limit_refusals_total",
    help: "Attempts refused by a rate limit or a password-guessing throttle, by limit",
    labelNames: ["limit"] as const,
    registers: [this.registry],
  });

  private readonly confirmationsExpired = new Counter({
    name: "wallet_confirmation_requests_expired_total",
    help: "Confirmation requests this instance expired unanswered",
    registers: [this.registry],
  });

  private readonly liveEventsUnpublished = new Counter({
    name: "wallet_live_events_unpublished_total",
    help: "Live events that could not be published to other instances (Redis unreachable) and are lost there",
    registers: [this.registry],
  });

  private readonly collectFailures = new Counter({
    name: "wallet_metrics_collect_failures_total",
    help: "Scrape-time readings that failed or ran out of time (their gauges are left out of that scrape), by source",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });

  private readonly connectionWaitSeconds = new Histogram({
    name: "wallet_database_connection_wait_seconds",
    help: "Time a transaction or read waited for a MySQL connection from the pool (DATABASE_POOL_SIZE)",
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    // Process CPU, memory, event-loop delay, GC: the standard names, without our prefix.
    collectDefaultMetrics({ register: this.registry });
  }

  operation(transport: Transport, operation: string, outcome: string, seconds: number): void {
    this.operationChildren[transport].get(operation, outcome).observe(seconds);
  }

  institutionCall(call: InstitutionCall, outcome: InstitutionOutcome, seconds: number): void {
    this.institutionChildren.get(call, outcome).observe(seconds);
    if (outcome === "timeout") this.institutionTimeouts.inc({ call });
  }

  connectionWait(seconds: number): void {
    this.connectionWaitSeconds.observe(seconds);
  }

  rateLimitRefused(limit: Limit): void {
    this.refusals.inc({ limit });
  }

  collectFailed(source: string): void {
    this.collectFailures.inc({ source });
  }

  redeemed(status: PaymentStatus, declineReason: string | null): void {
    this.redeemChildren.get(statusLabel(status), declineLabel(declineReason)).inc();
  }

  reversalQueued(reason: ReversalReason): void {
    this.reversals.inc({ reason });
  }

  liveEventUnpublished(): void {
    this.liveEventsUnpublished.inc();
  }

  confirmationExpired(): void {
    this.confirmationsExpired.inc();
  }

  /** A gauge read at scrape time: `source` sets its values (after a reset, so vanished series go). */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], source: GaugeSource<L>): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await source(this);
      },
    });
  }

  /** The exposition text, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
