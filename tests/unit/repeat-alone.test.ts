import { RepeatAlone } from "../../src/services/kernel/repeat-alone";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("background work repeated one run at a time", () => {
  it("skips the ticks that find the last run still going, so slow runs never pile up", async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    // Each run takes five ticks: a plain setInterval would have five going at once.
    const repeat = new RepeatAlone(
      async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        await sleep(50);
        running--;
      },
      10,
      () => undefined,
    );
    repeat.start();
    await sleep(300);
    await repeat.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(running).toBe(0);
  });

  it("tells of a failed run and runs again at the next tick", async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const repeat = new RepeatAlone(
      async () => {
        runs++;
        if (runs === 1) throw new Error("database went away");
      },
      10,
      (error) => errors.push(error),
    );
    repeat.start();
    await sleep(100);
    await repeat.stop();
    expect(errors).toHaveLength(1);
    expect(runs).toBeGreaterThan(1);
  });

  it("waits for the run under way when stopped, and starts no other", async () => {
    let finished = false;
    let runs = 0;
    const repeat = new RepeatAlone(
      async () => {
        runs++;
        await sleep(60);
        finished = true;
      },
      10,
      () => undefined,
    );
    repeat.start();
    await sleep(25);
    await repeat.stop();
    expect(finished).toBe(true);
    const stoppedAt = runs;
    await sleep(50);
    expect(runs).toBe(stoppedAt);
  });
});
