import { ConfigError, loadConfig } from "../../src/config";

const STRONG = "mT7Qx2vKp9LrW4sZ8yBnC3dFh6JgE5aU1oViX0tRq-_";

describe("METRICS_TOKEN and SHUTDOWN_DRAIN_MS", () => {
  it("are optional: no token, no drain", () => {
    const config = loadConfig({});
    expect(config.metricsToken).toBeUndefined();
    expect(config.shutdownDrainMs).toBe(0);
  });

  it("takes a random-looking token and a drain time", () => {
    const config = loadConfig({ METRICS_TOKEN: STRONG, SHUTDOWN_DRAIN_MS: "10000" });
    expect(config.metricsToken).toBe(STRONG);
    expect(config.shutdownDrainMs).toBe(10_000);
  });

  it("refuses a guessable token without repeating it, and the admin token", () => {
    const weak = () => loadConfig({ METRICS_TOKEN: "metrics-password-1234" });
    expect(weak).toThrow(ConfigError);
    expect(weak).toThrow(/METRICS_TOKEN: too easy to guess/);
    expect(weak).not.toThrow(/metrics-password-1234/);
    expect(() => loadConfig({ METRICS_TOKEN: STRONG, ADMIN_TOKEN: STRONG })).toThrow(/METRICS_TOKEN: must differ from ADMIN_TOKEN/);
  });
});
