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
