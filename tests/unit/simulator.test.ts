import { REMEMBERED, SimulatedInstitution } from "../../src/services/institutions/simulator";

const VISA = "4111111111111111";
const request = (paymentId: string) => ({ paymentId, pan: VISA, expiryMonth: 12, expiryYear: 2030, amount: 500, currency: "JPY", merchantName: "Shop" });
const report = (paymentId: string) => ({ paymentId, kind: "SALE" as const, amount: 500, currency: "JPY", approvalNumber: "ABC123", at: "2026-11-25T00:00:00Z" });

describe("the institution simulator", () => {
  it("answers a repeated authorization alike and ignores a repeated report", async () => {
    const sim = new SimulatedInstitution(0);
    const signal = new AbortController().signal;
    const first = await sim.authorize(request("p-1"), signal);
    expect(await sim.authorize(request("p-1"), signal)).toEqual(first);
    await sim.report(report("p-1"), signal);
    await sim.report(report("p-1"), signal);
    expect(sim.reports).toHaveLength(1);
  });

  it("holds an authorization made with capture later, captures at most its amount once, and refuses to capture a released one", async () => {
    const sim = new SimulatedInstitution(0);
    const signal = new AbortController().signal;
    expect(await sim.authorize({ ...request("h-1"), capture: false }, signal)).toMatchObject({ approved: true });
    expect(sim.holds.get("h-1")).toBe(500);
    await expect(sim.capture("h-1", 501, signal)).rejects.toThrow(/above the authorization/);
    await sim.capture("h-1", 320, signal);
    await sim.capture("h-1", 320, signal); // the same capture again (the outbox is at-least-once)
    await expect(sim.capture("h-1", 300, signal)).rejects.toThrow(/another amount/);
    await expect(sim.releaseAuthorization("h-1", signal)).rejects.toThrow(/captured/);
    expect(sim.captures.get("h-1")).toBe(320);

    await sim.authorize({ ...request("h-2"), capture: false }, signal);
    await sim.releaseAuthorization("h-2", signal);
    await expect(sim.capture("h-2", 100, signal)).rejects.toThrow(/released/);
    // A sale captured at once holds nothing to capture.
    await sim.authorize(request("h-3"), signal);
    await expect(sim.capture("h-3", 100, signal)).rejects.toThrow(/no authorization held/);
  });

  it("approves with six characters of A-Z and 0-9, every character seen in every place", async () => {
    const sim = new SimulatedInstitution(0);
    const signal = new AbortController().signal;
    const numbers: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const answer = await sim.authorize(request(`a-${i}`), signal);
      if (!answer.approved) throw new Error("a test card was declined");
      numbers.push(answer.approvalNumber);
    }
    expect(numbers.every((n) => /^[A-Z0-9]{6}$/.test(n))).toBe(true);
    // 3,000 draws miss one of 36 characters in a given place with odds below 1 in 10^30.
    for (let place = 0; place < 6; place++) expect(new Set(numbers.map((n) => n[place])).size).toBe(36);
  });

  it("remembers only the newest authorizations, reversals and reports", async () => {
    const sim = new SimulatedInstitution(0);
    const signal = new AbortController().signal;
    const count = 2 * REMEMBERED + 10;
    for (let i = 0; i < count; i++) {
      await sim.authorize(request(`p-${i}`), signal);
      await sim.reverse(`p-${i}`, signal);
      await sim.report(report(`p-${i}`), signal);
    }
    expect(sim.authorizations.size).toBe(REMEMBERED);
    expect(sim.authorizations.has("p-0")).toBe(false);
    expect(sim.authorizations.has(`p-${count - 1}`)).toBe(true);
    expect(sim.reversals.has("p-0")).toBe(false);
    expect(sim.reversals.has(`p-${count - 1}`)).toBe(true);
    expect(sim.reports.length).toBeLessThan(2 * REMEMBERED);
    expect(sim.reports.length).toBeGreaterThanOrEqual(REMEMBERED);
    expect(sim.reports.at(-1)?.paymentId).toBe(`p-${count - 1}`);
  });
});
