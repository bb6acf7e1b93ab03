/**
 * What the server's /metrics says about where a run's time went: how long its calls to
 * the institution took (a timer that fires late shows here, above the simulator's
 * latency), how long its work waited for a database connection, how late its event loop
 * ran, and its own timing of the redeems. Read before and after a run.
 */
export interface Histogram {
  /** Cumulative counts by upper bound in seconds (Infinity for +Inf). */
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

export interface MetricsReading {
  authorize: Histogram;
  connectionWait: Histogram;
  redeem: Histogram;
  /** The event loop's delay since the previous reading (prom-client resets it on each). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** V8's heap: in use (live and not yet collected) and reserved; buffers outside it. */
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
}

export async function readServerMetrics(url: string, token: string): Promise<MetricsReading> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const lines = (await res.text()).split("\n");
  /** An unlabelled series' value (NaN when absent). */
  const value = (name: string) => Number(lines.find((l) => l.startsWith(`${name} `))?.split(" ")[1] ?? NaN);
  const gauge = (name: string) => Math.round(value(name) * 1000 * 10) / 10;
  const megabytes = (name: string) => Math.round(value(name) / 2 ** 20);
  return {
    authorize: histogram(lines, "wallet_institution_request_duration_seconds", (labels) => labels.includes('call="authorize"')),
    connectionWait: histogram(lines, "wallet_database_connection_wait_seconds", () => true),
    redeem: histogram(lines, "wallet_operation_duration_seconds", (labels) => labels.includes('operation="redeemCode"')),
    loopDelayP99Ms: gauge("nodejs_eventloop_lag_p99_seconds"),
    loopDelayMaxMs: gauge("nodejs_eventloop_lag_max_seconds"),
    heapUsedMB: megabytes("nodejs_heap_size_used_bytes"),
    heapTotalMB: megabytes("nodejs_heap_size_total_bytes"),
    externalMB: megabytes("nodejs_external_memory_bytes"),
  };
}

/** A histogram's series, summed over the label sets `filter` keeps. */
function histogram(lines: string[], name: string, filter: (labels: string) => boolean): Histogram {
  const out: Histogram = { buckets: new Map(), sum: 0, count: 0 };
  for (const line of lines) {
    const m = /^([a-z_]+?)(_bucket|_sum|_count)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name || !filter(m[3] ?? "")) continue;
    const value = Number(m[4]);
    if (m[2] === "_sum") out.sum += value;
    else if (m[2] === "_count") out.count += value;
    else {
      const le = /le="([^"]+)"/.exec(m[3] ?? "")?.[1];
      const bound = le === "+Inf" ? Infinity : Number(le);
      out.buckets.set(bound, (out.buckets.get(bound) ?? 0) + value);
    }
  }
  return out;
}

/**
 * What happened between two readings of a histogram: the mean in milliseconds, the
 * bucket bound under which 99% fell, and the share above `overMs` (rounded to a bound).
 */
export function between(before: Histogram, after: Histogram, overMs = 10): { count: number; meanMs: number; p99UnderMs: number; shareOver: number } {
  const count = after.count - before.count;
  if (count === 0) return { count, meanMs: NaN, p99UnderMs: NaN, shareOver: NaN };
  const bounds = [...after.buckets.keys()].sort((a, b) => a - b);
  const within = (bound: number) => after.buckets.get(bound)! - (before.buckets.get(bound) ?? 0);
  const p99 = bounds.find((bound) => within(bound) >= 0.99 * count) ?? Infinity;
  const over = bounds.find((bound) => bound * 1000 >= overMs);
  return {
    count,
    meanMs: Math.round(((after.sum - before.sum) / count) * 1000 * 10) / 10,
    p99UnderMs: p99 * 1000,
    shareOver: over === undefined ? 0 : Math.round((1 - within(over) / count) * 1000) / 1000,
  };
}
