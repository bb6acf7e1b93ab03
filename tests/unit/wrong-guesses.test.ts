import { WalletError, ErrorCode } from "../../src/services/kernel/errors";
import { RateLimits, bucketLimits } from "../../src/services/kernel/rate-limits";
import { loadConfig } from "../../src/config";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { OwedTries } from "../../src/services/kernel/owed-tries";

const limits = () => new RateLimits({ ...bucketLimits(loadConfig({ NODE_ENV: "test" }).rateLimits), wrongCodePerTerminal: 5 });
const isWrong = (error: unknown) => error instanceof WalletError && error.code === ErrorCode.CODE_INVALID;
const wrongCode = () => new WalletError(ErrorCode.CODE_INVALID, "wrong");
const codeOf = (call: Promise<unknown>) => call.then(() => "OK", (error: WalletError) => error.code);

describe("a limit on wrong guesses", () => {
  it("checks at most the limit of guesses racing, and counts right ones not at all", async () => {
    const rateLimits = limits();
    let checked = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Twenty wrong guesses at once, each still being checked when the next arrives.
    const racing = Array.from({ length: 20 }, () =>
      codeOf(
        rateLimits.countWrongGuesses("wrongCodePerTerminal", "register-1", async () => {
          checked++;
          await held;
          throw wrongCode();
        }, isWrong),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const answers = await Promise.all(racing);
    expect(checked).toBe(5);
    expect(answers.filter((a) => a === "CODE_INVALID")).toHaveLength(5);
    expect(answers.filter((a) => a === "RATE_LIMITED")).toHaveLength(15);
  });

  it("gives a right guess's try back", async () => {
    const rateLimits = limits();
    for (let i = 0; i < 20; i++) expect(await rateLimits.countWrongGuesses("wrongCodePerTerminal", "register-2", async () => "right", isWrong)).toBe("right");
    for (let i = 0; i < 5; i++) expect(await codeOf(rateLimits.countWrongGuesses("wrongCodePerTerminal", "register-2", async () => { throw wrongCode(); }, isWrong))).toBe("CODE_INVALID");
    expect(await codeOf(rateLimits.countWrongGuesses("wrongCodePerTerminal", "register-2", async () => "right", isWrong))).toBe("RATE_LIMITED");
  });

  it("returns a right guess's try with the key's next try: one call to the counters a guess", async () => {
    const rateLimits = limits();
    const consumed = jest.spyOn(RateLimiterMemory.prototype, "consume");
    const rewarded = jest.spyOn(RateLimiterMemory.prototype, "reward");
    try {
      for (let i = 0; i < 20; i++) await rateLimits.countWrongGuesses("wrongCodePerTerminal", "register-3", async () => "right", isWrong);
      expect(consumed).toHaveBeenCalledTimes(20);
      expect(rewarded).not.toHaveBeenCalled();
      // The last right guess's try rides with the first wrong one: five are checked, as with no right guess before them.
      for (let i = 0; i < 5; i++) expect(await codeOf(rateLimits.countWrongGuesses("wrongCodePerTerminal", "register-3", async () => { throw wrongCode(); }, isWrong))).toBe("CODE_INVALID");
      expect(await codeOf(rateLimits.countWrongGuesses("wrongCodePerTerminal", "register-3", async () => "right", isWrong))).toBe("RATE_LIMITED");
    } finally {
      consumed.mockRestore();
      rewarded.mockRestore();
    }
  });
});

describe("tries owed to a counter", () => {
  it("are handed over once, in the window they were taken in", () => {
    const owed = new OwedTries();
    const windowEnd = Date.now() + 30_000;
    owed.giveBack("k", windowEnd);
    owed.giveBack("k", windowEnd + 3);
    expect(owed.takeOwed("k")).toBe(2);
    expect(owed.takeOwed("k")).toBe(0);
  });

  it("are dropped with their window, never given to the next one", () => {
    const owed = new OwedTries();
    owed.giveBack("ending", Date.now() + 500);
    expect(owed.takeOwed("ending")).toBe(0);
    owed.giveBack("next", Date.now() + 30_000);
    owed.giveBack("next", Date.now() + 90_000);
    // A try of the earlier window, given back late, is not owed to the later one.
    owed.giveBack("next", Date.now() + 30_000);
    expect(owed.takeOwed("next")).toBe(1);
  });
});
