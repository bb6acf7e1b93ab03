/** Latency summaries for the bench: throughput and percentiles in milliseconds. */
export interface Summary {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /**
   * With `firstWaveApart` (runLoad): the first call of every client, which all start at
   * the same instant on a server with nothing in flight. They are left out of p50, p99
   * and max above and summed up here.
   */
  firstWave?: { count: number; p50: number; p99: number; max: number };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

const round = (n: number) => Math.round(n * 100) / 100;

export function summarize(latencies: number[], errors: number, seconds: number, firstWave?: number[]): Summary {
  const count = latencies.length + (firstWave?.length ?? 0);
  return {
    count,
    errors,
    seconds: round(seconds),
    perSecond: round(count / seconds),
    ...spread(latencies),
    ...(firstWave && { firstWave: { count: firstWave.length, ...spread(firstWave) } }),
  };
}

/** The median, the 99th percentile and the slowest of `latencies`. */
function spread(latencies: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? NaN) };
}

/**
 * Runs `total` calls of `work(i)` with `concurrency` of them in flight at once and times
 * each; the wall time of the whole run gives the throughput. With `firstWaveApart`, the
 * first `concurrency` calls (every client's first, all started at once) are summed up
 * apart from the rest (Summary.firstWave): from then on as many calls are in flight as
 * there are clients, the steady state a closed loop of clients measures, while the first
 * wave is a burst onto an idle server, which waits for the whole burst to drain.
 */
export async function runLoad(concurrency: number, total: number, work: (i: number) => Promise<unknown>, options: { firstWaveApart?: boolean } = {}): Promise<Summary> {
  const latencies: number[] = [];
  const firstWave: number[] | undefined = options.firstWaveApart ? [] : undefined;
  let errors = 0;
  let next = 0;
  let firstError: unknown = null;
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = process.hrtime.bigint();
      try {
        await work(i);
        (firstWave && i < concurrency ? firstWave : latencies).push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (firstError) process.stderr.write(`  (${errors} errors; first: ${String((firstError as Error).message ?? firstError)})\n`);
  return summarize(latencies, errors, seconds, firstWave);
}
