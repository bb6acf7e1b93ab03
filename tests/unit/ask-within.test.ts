import { setTimeout as sleep } from "node:timers/promises";
import { NO_ANSWER, askWithin } from "../../src/services/institutions/ask-within";

const TIMEOUT_MS = 200;

/** Holds this process's event loop for `ms`, as a starved CPU or a paused machine does. */
function holdUp(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe("askWithin: an institution call with a deadline", () => {
  it("gives the answer that comes in time", async () => {
    await expect(askWithin(TIMEOUT_MS, (signal) => sleep(5, "approved", { signal }))).resolves.toBe("approved");
  });

  it("gives NO_ANSWER once the deadline passes, and the call sees its signal aborted", async () => {
    let seen: AbortSignal | undefined;
    const started = performance.now();
    const result = await askWithin(TIMEOUT_MS, (signal) => {
      seen = signal;
      return sleep(60_000, "late", { signal });
    });
    expect(result).toBe(NO_ANSWER);
    expect(seen?.aborted).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  });

  it("keeps an answer that arrived while the process was held up past the deadline", async () => {
    // Another timer of the same length, due just before this call's answer, puts the
    // deadline's timer list first once the loop comes back: the abort timer fires before
    // the answer's. Without the extra turn this call would be a timeout.
    setTimeout(() => undefined, TIMEOUT_MS);
    holdUp(TIMEOUT_MS - 3);
    const asked = askWithin(TIMEOUT_MS, (signal) => sleep(5, "approved", { signal }));
    holdUp(TIMEOUT_MS + 50);
    await expect(asked).resolves.toBe("approved");
  });

  it("lets the call's own failure through", async () => {
    await expect(askWithin(TIMEOUT_MS, () => Promise.reject(new Error("connection refused")))).rejects.toThrow("connection refused");
  });
});
