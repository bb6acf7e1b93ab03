import { ConfigError, loadConfig } from "../../src/config";
import { scrub } from "../../src/schema/errors";
import { delaySeconds } from "../../src/services/kernel/guess-throttle";

describe("configuration", () => {
  it("has working defaults: port 4000, embedded database in ./data", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, dataDir: "./data", production: false, databaseUrl: undefined });
  });

  it("names every bad variable in one error", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "postgres://x", NODE_ENV: "staging" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/PORT/);
    expect(String(error)).toMatch(/DATABASE_URL/);
    expect(String(error)).toMatch(/NODE_ENV/);
  });

  it("reads BODY_LIMIT as a size in bytes and refuses what is not one", () => {
    expect(loadConfig({}).bodyLimitBytes).toBe(100 * 1024);
    expect(loadConfig({ BODY_LIMIT: "2kb" }).bodyLimitBytes).toBe(2048);
    expect(loadConfig({ BODY_LIMIT: "1.5mb" }).bodyLimitBytes).toBe(1.5 * 1024 * 1024);
    // bytes.parse alone reads "1kb junk" and "1e3" as 1 byte.
    for (const bad of ["bogus", "1kb junk", "1e3", "0", "-1kb", "10"]) {
      expect(() => loadConfig({ BODY_LIMIT: bad })).toThrow(/BODY_LIMIT: must be a size/);
    }
  });

  it("refuses a renamed rate limit instead of ignoring it, and names its successor", () => {
    expect(() => loadConfig({ RATE_CODE_USE_PER_REGISTER_PER_MIN: "600" })).toThrow(/RATE_WRONG_CODES_PER_TERMINAL_PER_MIN/);
    expect(loadConfig({ RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "7" }).rateLimits.wrongCodesPerTerminalPerMin).toBe(7);
  });

  it("limits requestPayment per phone number and register, 10 a minute unless told", () => {
    expect(loadConfig({}).rateLimits.paymentRequestsPerPhonePerRegisterPerMin).toBe(10);
    expect(loadConfig({ RATE_PAYMENT_REQUESTS_PER_PHONE_PER_REGISTER_PER_MIN: "3" }).rateLimits.paymentRequestsPerPhonePerRegisterPerMin).toBe(3);
    expect(() => loadConfig({ RATE_PAYMENT_REQUESTS_PER_PHONE_PER_REGISTER_PER_MIN: "0" })).toThrow(/RATE_PAYMENT_REQUESTS_PER_PHONE_PER_REGISTER_PER_MIN/);
  });
});

describe("guessing delays", () => {
  it("are free for the first failures, then 1 s doubling with each failure up to 15 minutes", () => {
    const delays = Array.from({ length: 17 }, (_, i) => delaySeconds(i + 1, 5));
    expect(delays).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
    expect(delaySeconds(19, 20)).toBe(0);
    expect(delaySeconds(20, 20)).toBe(1);
    expect(delaySeconds(10_000, 5)).toBe(900);
  });
});

describe("scrub", () => {
  it("removes card numbers and codes from messages", () => {
    expect(scrub("card 4242424242424242 failed")).toBe("card [redacted] failed");
    expect(scrub("code 12345678901234567890 used")).toBe("code [redacted] used");
    expect(scrub("pan 4242 4242 4242 4242")).toBe("pan [redacted]");
  });

  it("removes GraphQL's suggestions, which would map the schema", () => {
    expect(scrub('Cannot query field "errorCode" on type "Query". Did you mean "errorCodes"?')).toBe('Cannot query field "errorCode" on type "Query".');
    expect(scrub('Unknown type "Strin". Did you mean "String", "Store", or "Int"?')).toBe('Unknown type "Strin".');
  });

  it("removes the value GraphQL echoes from a variable", () => {
    const message = 'Variable "$input" got invalid value "hunter2-secret"; Int cannot represent non-integer value';
    expect(scrub(message)).not.toContain("hunter2-secret");
  });
});
