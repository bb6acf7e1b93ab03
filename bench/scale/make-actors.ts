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
 * card in the wallet, a device key and a membership. The same calls on the empty and the
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
  const made = await inParallel(phones, 8, async (): Promise<ScalePhone> => {
    const phone = await newPhone(admin);
    const key = await DeviceKey.generate();
    await phone.phone.registerDevice(key, "Scale phone", PASSWORD);
    await phone.phone.joinProgram(program.id);
    return { ...phone, key };
  });
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
