import { FairQueue } from "../../src/services/crypto/fair-queue";

/** A job that ends when the test says so, noting when it started. */
function heldJob(started: string[], name: string) {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return { job: () => (started.push(name), ended), end };
}

describe("FairQueue", () => {
  it("runs at most its slots at once and gives a freed slot to the owner with none running", async () => {
    const queue = new FairQueue(2);
    const started: string[] = [];
    const burst = Array.from({ length: 6 }, (_, i) => heldJob(started, `a${i}`));
    const running = burst.map(({ job }) => queue.run("burst", job));
    const other = heldJob(started, "b0");
    const otherRun = queue.run("other", other.job);
    await Promise.resolve();
    expect(started).toEqual(["a0", "a1"]);
    expect(queue.size).toEqual({ running: 2, waiting: 5 });

    burst[0].end();
    await running[0];
    await Promise.resolve();
    // The next slot goes to the owner with nothing running, ahead of the burst's queue.
    expect(started).toEqual(["a0", "a1", "b0"]);

    other.end();
    await otherRun;
    for (const { end } of burst) end();
    await Promise.all(running);
    expect(started).toEqual(["a0", "a1", "b0", "a2", "a3", "a4", "a5"]);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });

  it("frees the slot of a job that fails", async () => {
    const queue = new FairQueue(1);
    await expect(queue.run("x", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await queue.run("x", async () => 7)).toBe(7);
  });
});
