import { AdminClient } from "../../clients/admin";
import type { ClientOptions } from "../../clients/common";
import { DeviceKey } from "../../clients/device-key";
import { PartnerClient } from "../../clients/partner";
import { keepAliveFetch } from "../keep-alive-fetch";
import { PASSWORD, inParallel, newPhone, type BenchPhone } from "../world";
import type { ScaleActors } from "./actors";

/** Registers of the busiest store: one per client in flight at c=16. */
export const REGISTER_KEYS = 16;
/** Phones by default: enough that each of 16 clients in flight holds several. */
export const PHONES = 64;
/**
 * Rows each list the paths read gets on both sides, more than its longest page (a
 * partner's bills list is 200, a feed page 100, a search page 20): an empty list would
 * measure a page of nothing against the seeded side's full one.
 */
export const PAGE_FILL = { bills: 250, tickets: 60, pointAdjustments: 150 };

/** A phone with its registered device key, which approves codes without the password. */
export type ScalePhone = BenchPhone & { key: DeviceKey };

/** ScaleActors as makeActors makes them: the phones hold their device keys, and the program is known. */
export interface MadeActors extends ScaleActors {
  phones: ScalePhone[];
  /** The partner's points program, which the busiest store earns in. */
  program: { id: string };
}

/** What makeActors needs of a bench server (bench/server.ts BenchServer has it). */
export interface ActorServer {
  url: string;
  adminToken: string;
  cardKey: string;
}

/**
 * The callers of bench:scale, made through the public API as an operator would: a
 * partner with a points program, the busiest store (in that program) with its register
 * keys, one event of the partner with a gate key, and phones that are customers with a
 * card in the wallet, a device key and a membership; the partner has posted bills and
 * tickets to the phones and given them points (PAGE_FILL). The same calls on the empty and the
 * seeded database give the same kinds of rows, so a path's two numbers compare the data
 * around the callers, not the callers.
 */
export async function makeActors(server: ActorServer, databaseUrl: string, phones = PHONES, options: ClientOptions = { fetch: keepAliveFetch() }): Promise<MadeActors> {
  const admin = new AdminClient(server.url, server.adminToken, options);
  const partner = await admin.createPartner("Scale Partner");
  const partnerKey = (await admin.issueApiKey("PARTNER", partner.id)).key;
  const program = await admin.createProgram({ name: "Scale Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
  const store = await admin.createStore("Scale Store", "JPY", program.id);
  const registerKeys = await inParallel(REGISTER_KEYS, 4, async () => (await admin.issueApiKey("REGISTER", store.id)).key);
  const shop = new PartnerClient(server.url, partnerKey, options);
  const now = Date.now();
  // Open now and for the whole run: gates admit, attendance and the snapshot are live.
  const event = await shop.createEvent({
    title: "Scale Arena",
    venue: "Bench City",
    doorsOpenAt: new Date(now - 3_600_000).toISOString(),
    startsAt: new Date(now + 3_600_000).toISOString(),
  });
  const gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
  const members: string[] = [];
  const made = await inParallel(phones, 8, async (): Promise<ScalePhone> => {
    const phone = await newPhone(admin);
    const key = await DeviceKey.generate();
    await phone.phone.registerDevice(key, "Scale phone", PASSWORD);
    members.push((await phone.phone.joinProgram(program.id)).memberNumber);
    return { ...phone, key };
  });
  const holder = (i: number) => made[i % made.length].phoneNumber;
  const due = new Date(now + 30 * 86_400_000).toISOString();
  await inParallel(PAGE_FILL.bills, 8, (i) => shop.postBill({ customerPhone: holder(i), reference: `SCALE-BILL-${i}`, amount: 1000 + i, currency: "JPY", dueDate: due }));
  await inParallel(PAGE_FILL.tickets, 8, (i) => shop.postTicket({ eventId: event.id, issueNumber: `SCALE-TICKET-${i}`, holderPhone: holder(i) }));
  await inParallel(PAGE_FILL.pointAdjustments, 8, (i) => shop.adjustPoints(program.id, members[i % members.length], 100, "Scale welcome", `scale-points-${i}`));
  return {
    url: server.url,
    adminToken: server.adminToken,
    cardKey: server.cardKey,
    databaseUrl,
    store: { id: store.id, registerKeys },
    partner: { id: partner.id, apiKey: partnerKey },
    program: { id: program.id },
    event: { id: event.id, gateKey },
    phones: made,
  };
}
