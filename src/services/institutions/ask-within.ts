/** What `askWithin` resolves to when the deadline passed with no answer. */
export const NO_ANSWER = Symbol("no answer");

/**
 * Runs `call` with a signal that aborts once `timeoutMs` have passed, unless an answer has
 * come by then. The abort waits one more turn of the event loop (setImmediate) after its
 * timer: when this process was held up past the deadline (a long pause, a starved CPU),
 * an answer that arrived meanwhile is handled first, in the timers or I/O phase of that
 * turn, and not thrown away for a timeout that only this process's slowness made. A
 * payment the institution approved is then recorded as approved, not reversed.
 *
 * Resolves to the call's answer or to NO_ANSWER; the call's own failures reject.
 */
export async function askWithin<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T | typeof NO_ANSWER> {
  const abort = new AbortController();
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(() => abort.abort());
  }, timeoutMs);
  try {
    return await call(abort.signal);
  } catch (error) {
    if (abort.signal.aborted) return NO_ANSWER;
    throw error;
  } finally {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  }
}
