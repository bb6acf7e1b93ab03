import type { AdminClient } from "../clients/admin";
import { GateClient, type OfflineScanInput } from "../clients/gate";
import { PartnerClient } from "../clients/partner";
import { MAX_SCANS_PER_SYNC } from "../clients/offline-gate";
import { runLoad, type Summary } from "./stats";
import { PASSWORD, type BenchPhone } from "./world";

/** Scans per upload: what a gate sends after a while offline. */
export const SCANS_PER_SYNC = 1000;
const PASSES = 50;

/**
 * syncScans of 1,000 offline scans in one call, as a gate back online sends them: 50
 * transit passes of 20 rides each, scanned a minute apart at one gate, uploaded in
 * scan order. Each measured call is a new gate name, so every scan is new to the server
 * (a repeat would only be read back). Latency is per 1,000 scans, sent as the offline
 * gate sends them: in calls of MAX_SCANS_PER_SYNC, which fit the default BODY_LIMIT.
 */
export async function syncScansLoad(url: string, admin: AdminClient, phones: BenchPhone[], transport: { fetch: typeof fetch }, calls: number): Promise<() => Promise<Summary>> {
  const partner = await admin.createPartner("Bench Transit");
  const shop = new PartnerClient(url, (await admin.issueApiKey("PARTNER", partner.id)).key, transport);
  const gate = new GateClient(url, (await admin.issueApiKey("GATE", partner.id)).key, transport);
  const now = Date.now();
  const event = await shop.createEvent({ title: "Line 1", venue: "Bench City", doorsOpenAt: new Date(now - 3_600_000).toISOString(), startsAt: new Date(now).toISOString() });
  const codes: string[] = [];
  for (let i = 0; i < PASSES; i++) {
    const holder = phones[i % phones.length];
    const rides = (SCANS_PER_SYNC / PASSES) * (calls + 1);
    const pass = await shop.postTicket({ eventId: event.id, issueNumber: `BENCH-PASS-${i}`, holderPhone: holder.phoneNumber, usesAllowed: rides });
    codes.push((await holder.phone.issueTicketCode(pass.id, PASSWORD)).code);
  }
  const scansFor = (call: number): OfflineScanInput[] =>
    Array.from({ length: SCANS_PER_SYNC }, (_, i) => ({
      code: codes[i % PASSES],
      gate: `bench-gate-${call}`,
      scannedAt: new Date(now - 3_000_000 + call * SCANS_PER_SYNC + i).toISOString(),
    }));
  const upload = async (call: number) => {
    const scans = scansFor(call);
    for (let i = 0; i < scans.length; i += MAX_SCANS_PER_SYNC) await gate.syncScans(event.id, scans.slice(i, i + MAX_SCANS_PER_SYNC));
  };
  await upload(calls); // warm-up, not measured
  return () => runLoad(1, calls, upload);
}
