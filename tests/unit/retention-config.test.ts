import { ConfigError, loadConfig } from "../../src/config";

/** The ConfigError loadConfig throws for this environment (fails the test when it starts). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe("retention settings", () => {
  it("default to a minute between sweeps, batches of 500, 48 hours of replays, 30 days for dead messages and a week for the rest", () => {
    expect(loadConfig({}).retention).toEqual({
      sweepMs: 60_000,
      batch: 500,
      idempotencyHours: 48,
      outboxHours: 168,
      deadMessagesDays: 30,
      codesHours: 168,
      sessionsHours: 168,
      confirmationsHours: 168,
    });
  });

  it("take what is set", () => {
    const env = {
      RETENTION_SWEEP_MS: "5000",
      RETENTION_BATCH: "100",
      RETENTION_IDEMPOTENCY_HOURS: "24",
      RETENTION_OUTBOX_HOURS: "2",
      RETENTION_DEAD_MESSAGES_DAYS: "6",
      RETENTION_CODES_HOURS: "3",
      RETENTION_SESSIONS_HOURS: "4",
      RETENTION_CONFIRMATIONS_HOURS: "5",
    };
    expect(loadConfig(env).retention).toEqual({
      sweepMs: 5000,
      batch: 100,
      idempotencyHours: 24,
      outboxHours: 2,
      deadMessagesDays: 6,
      codesHours: 3,
      sessionsHours: 4,
      confirmationsHours: 5,
    });
  });

  it("refuse replays shorter than a day, and bad numbers, naming the variable", () => {
    expect(refusal({ RETENTION_IDEMPOTENCY_HOURS: "23" })).toMatch(/RETENTION_IDEMPOTENCY_HOURS: .*24/);
    expect(refusal({ RETENTION_SWEEP_MS: "soon" })).toMatch(/RETENTION_SWEEP_MS/);
    expect(refusal({ RETENTION_SWEEP_MS: "5" })).toMatch(/RETENTION_SWEEP_MS/);
    expect(refusal({ RETENTION_BATCH: "0" })).toMatch(/RETENTION_BATCH/);
    expect(refusal({ RETENTION_BATCH: "5001" })).toMatch(/RETENTION_BATCH/);
    expect(refusal({ RETENTION_CODES_HOURS: "0" })).toMatch(/RETENTION_CODES_HOURS/);
    expect(refusal({ RETENTION_SESSIONS_HOURS: "1.5" })).toMatch(/RETENTION_SESSIONS_HOURS/);
    expect(refusal({ RETENTION_DEAD_MESSAGES_DAYS: "0" })).toMatch(/RETENTION_DEAD_MESSAGES_DAYS/);
  });
});
