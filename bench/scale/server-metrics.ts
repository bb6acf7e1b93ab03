/**
 * What the server's /metrics says about where a run's time went: how long its calls to
 * the institution took (a timer that fires late shows here, above the simulator's
 * latency) and how late its event loop ran. Read before and after a run.
 */
export interface MetricsReading {
  /** Sum and count of wallet_institution_request_duration_seconds{call="authorize"}. */
  authorizeSeconds: number;
  authorizeCount: number;
  /** The event loop's delay since the previous reading (prom-client resets it on each). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Cumulative buckets of wallet_operation_duration_seconds{operation="redeemCode"}: upper bound (s) to count. */
  redeemBuckets: Map<number, number>;
  redeemSeconds: number;
  redeemCount: number;
}

export async function readServerMetrics(url: string, token: string): Promise<MetricsReading> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const sum = (name: string, filter: (labels: string) => boolean) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(name))
      .map((line) => /^[a-z_]+(\{[^}]*\})? (\S+)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && filter(m[1] ?? ""))
      .reduce((total, m) => total + Number(m[2]), 0);
  const authorize = (labels: string) => labels.includes('call="authorize"');
  const redeem = (labels: string) => labels.includes('operation="redeemCode"');
  const redeemBuckets = new Map<number, number>();
  for (const line of text.split("\n")) {
    const m = /^wallet_operation_duration_seconds_bucket\{(.*)\} (\S+)/.exec(line);
    if (!m || !redeem(m[1])) continue;
    const le = /le="([^"]+)"/.exec(m[1])?.[1];
    const bound = le === "+Inf" ? Infinity : Number(le);
    redeemBuckets.set(bound, (redeemBuckets.get(bound) ?? 0) + Number(m[2]));
  }
  return {
    authorizeSeconds: sum("wallet_institution_request_duration_seconds_sum", authorize),
    authorizeCount: sum("wallet_institution_request_duration_seconds_count", authorize),
    loopDelayP99Ms: Math.round(sum("nodejs_eventloop_lag_p99_seconds", () => true) * 1000 * 10) / 10,
    loopDelayMaxMs: Math.round(sum("nodejs_eventloop_lag_max_seconds", () => true) * 1000 * 10) / 10,
    redeemBuckets,
    redeemSeconds: sum("wallet_operation_duration_seconds_sum", redeem),
    redeemCount: sum("wallet_operation_duration_seconds_count", redeem),
  };
}

/** Mean milliseconds of an authorize call between two readings. */
export function meanAuthorizeMs(before: MetricsReading, after: MetricsReading): number {
  const count = after.authorizeCount - before.authorizeCount;
  return count === 0 ? NaN : Math.round(((after.authorizeSeconds - before.authorizeSeconds) / count) * 1000 * 10) / 10;
}

/**
 * The server's own timing of redeems between two readings, from request to response:
 * its mean, and the bucket bound under which 99% fell. Set beside the clients' timing,
 * the difference is time spent before the server began timing (accept, the socket's
 * queue, the loop's turn to read the request).
 */
export function serverRedeemMs(before: MetricsReading, after: MetricsReading): { mean: number; p99Bound: number } {
  const count = after.redeemCount - before.redeemCount;
  if (count === 0) return { mean: NaN, p99Bound: NaN };
  const bounds = [...after.redeemBuckets.keys()].sort((a, b) => a - b);
  const p99 = bounds.find((bound) => after.redeemBuckets.get(bound)! - (before.redeemBuckets.get(bound) ?? 0) >= 0.99 * count) ?? Infinity;
  return { mean: Math.round(((after.redeemSeconds - before.redeemSeconds) / count) * 1000 * 10) / 10, p99Bound: p99 * 1000 };
}
