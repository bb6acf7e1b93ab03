import { loadConfig } from "../../src/config";

describe("outbox configuration", () => {
  it("gives up on a delivery after 3 days and abandons an attempt after 10 s unless told", () => {
    expect(loadConfig({})).toMatchObject({ outboxGiveUpAfterDays: 3, outboxDeliveryTimeoutMs: 10_000 });
    expect(loadConfig({ OUTBOX_GIVE_UP_AFTER_DAYS: "7", OUTBOX_DELIVERY_TIMEOUT_MS: "2500" })).toMatchObject({
      outboxGiveUpAfterDays: 7,
      outboxDeliveryTimeoutMs: 2500,
    });
  });

  it("refuses values that are not whole days or a sane timeout, naming the variable", () => {
    for (const bad of ["0", "-1", "2.5", "three", "366"]) {
      expect(() => loadConfig({ OUTBOX_GIVE_UP_AFTER_DAYS: bad })).toThrow(/OUTBOX_GIVE_UP_AFTER_DAYS/);
    }
    for (const bad of ["0", "99", "300001", "ten"]) {
      expect(() => loadConfig({ OUTBOX_DELIVERY_TIMEOUT_MS: bad })).toThrow(/OUTBOX_DELIVERY_TIMEOUT_MS/);
    }
  });

  it("has enough reports under way to the institution for a busy instance at a 500 ms network, and refuses a limit outside 1 to 4096", () => {
    // Reports a second at most: under way over latency. One instance decides up to about
    // 650 payments a second at 1,024 registers (docs/performance.md).
    const inFlight = loadConfig({}).outboxInstitutionInFlight;
    expect(inFlight / 0.5).toBeGreaterThanOrEqual(1000);
    expect(loadConfig({ OUTBOX_INSTITUTION_IN_FLIGHT: "4096" }).outboxInstitutionInFlight).toBe(4096);
    for (const bad of ["0", "4097", "1.5", "many"]) {
      expect(() => loadConfig({ OUTBOX_INSTITUTION_IN_FLIGHT: bad })).toThrow(/OUTBOX_INSTITUTION_IN_FLIGHT/);
    }
  });

  it("lets a partner's receiver be sent up to 64 at once unless told, and refuses a most outside 4 to 1024", () => {
    expect(loadConfig({}).outboxDestinationMaxInFlight).toBe(64);
    expect(loadConfig({ OUTBOX_DESTINATION_MAX_IN_FLIGHT: "4" }).outboxDestinationMaxInFlight).toBe(4);
    for (const bad of ["3", "1025", "8.5", "lots"]) {
      expect(() => loadConfig({ OUTBOX_DESTINATION_MAX_IN_FLIGHT: bad })).toThrow(/OUTBOX_DESTINATION_MAX_IN_FLIGHT/);
    }
  });
});
