import type { GateAdmission, GateClient, OfflineScanInput } from "../../clients/gate";
import { OfflineGate } from "../../clients/offline-gate";

/** The server's default BODY_LIMIT (100 KB): an upload above it is refused whole, however often it is sent. */
const BODY_LIMIT_BYTES = 100 * 1024;

describe("an offline gate's uploads", () => {
  it("stay under the server's default body limit with long rotating codes, and send every scan once, in order", async () => {
    const bodies: number[] = [];
    const received: string[] = [];
    const client = {
      async syncScans(eventId: string, scans: OfflineScanInput[]): Promise<GateAdmission[]> {
        bodies.push(Buffer.byteLength(JSON.stringify({ query: "mutation SyncScans { ... }", variables: { eventId, scans } })));
        received.push(...scans.map((s) => s.code));
        return scans.map(() => ({}) as GateAdmission);
      },
    } as unknown as GateClient;
    const gate = new OfflineGate(client, "019ac3ff-0a1b-7c2d-9e3f-4a5b6c7d8e9f", "North");
    // A P-256 rotating code is about 700 characters (the credential carries the device's key).
    const codes = Array.from({ length: 400 }, (_, i) => `T2.${String(i).padStart(4, "0")}${"x".repeat(700)}`);
    for (const code of codes) await gate.decide(code, { now: new Date("2026-12-20T09:00:00Z") });

    while (gate.pending.length > 0) await gate.sync();
    expect(received).toEqual(codes);
    expect(Math.max(...bodies)).toBeLessThan(BODY_LIMIT_BYTES);
  });
});
