import { In, IsNull, MoreThanOrEqual, type EntityManager } from "typeorm";
import { CustomerEntity, DeviceEntity, TicketEntity } from "../../entities";
import type { RotatingKey, RotatingTicketKeys } from "../crypto/ticket-signer";

/**
 * Which device keys sign a ticket's compact rotating (T4) codes: those of the devices its
 * holder registered. A T4 code carries no key (that keeps it short), so the server finds
 * them here and a gate in its snapshot. Any device of the holder may ask for a rotating
 * credential with its proof, so the keys the holder registered are the ones that could
 * have been bound; and a device registered long before the event is in every gate's
 * snapshot, so an offline gate takes a phone's first rotating code. An allotment moves
 * the ticket to another phone number, whose devices sign for it from then on.
 */

/** Ids per IN (...) list. */
const IDS_PER_QUERY = 500;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

async function inChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) rows.push(...(await read(ids.slice(i, i + IDS_PER_QUERY))));
  return rows;
}

/**
 * The keys of these tickets' holders' devices, by ticket id, at each ticket's holder
 * version. A gate's snapshot takes the devices not revoked (`activeOnly`); the server
 * takes every one, so that a revoked device's code is told apart from a forged one (the
 * rule answers INVALID either way, but only a forged code counts as guessing).
 */
export async function holderKeys(m: EntityManager, tickets: readonly TicketEntity[], activeOnly: boolean): Promise<Map<string, RotatingKey[]>> {
  const phones = [...new Set(tickets.map((t) => t.holderPhone))];
  const customers = await inChunks(phones, (chunk) => m.find(CustomerEntity, { select: { id: true, phone: true }, where: { phone: In(chunk) } }));
  const phoneOf = new Map(customers.map((c) => [c.id, c.phone]));
  const devices = await inChunks([...phoneOf.keys()], (chunk) =>
    m.find(DeviceEntity, { where: activeOnly ? { customerId: In(chunk), revokedAt: IsNull() } : { customerId: In(chunk) }, order: { createdAt: "ASC" } }),
  );
  const devicesByPhone = new Map<string, DeviceEntity[]>();
  for (const device of devices) {
    const phone = phoneOf.get(device.customerId)!;
    devicesByPhone.set(phone, [...(devicesByPhone.get(phone) ?? []), device]);
  }
  return new Map(
    tickets.map((t) => [
      t.id,
      (devicesByPhone.get(t.holderPhone) ?? []).map((d) => ({ deviceId: d.id, publicKey: d.publicKey.toString("base64url"), algorithm: d.algorithm, holderVersion: t.holderVersion })),
    ]),
  );
}

/** One ticket's holder's keys and its validity, as the server checks a T4 code online. */
export async function rotatingKeysOf(m: EntityManager, ticketId: string): Promise<RotatingTicketKeys | null> {
  const ticket = await m.findOneBy(TicketEntity, { id: ticketId });
  if (!ticket) return null;
  const keys = (await holderKeys(m, [ticket], false)).get(ticket.id) ?? [];
  return { validFrom: seconds(ticket.validFrom), validUntil: seconds(ticket.validUntil), keys };
}

/**
 * The tickets of an event whose holder registered or revoked a device since `since`: a
 * gate's refresh takes them again, with their keys as they are now. Devices registered
 * or revoked since a gate's last refresh (seconds to minutes ago) are few.
 */
export async function ticketsWithDevicesChangedSince(m: EntityManager, eventId: string, since: Date): Promise<TicketEntity[]> {
  const changed = await m.find(DeviceEntity, { select: { customerId: true }, where: [{ createdAt: MoreThanOrEqual(since) }, { revokedAt: MoreThanOrEqual(since) }] });
  const customerIds = [...new Set(changed.map((d) => d.customerId))];
  const customers = await inChunks(customerIds, (chunk) => m.find(CustomerEntity, { select: { phone: true }, where: { id: In(chunk) } }));
  return inChunks(
    customers.map((c) => c.phone),
    (chunk) => m.find(TicketEntity, { where: { eventId, holderPhone: In(chunk) } }),
  );
}
