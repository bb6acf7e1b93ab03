import { In, IsNull, MoreThanOrEqual, type EntityManager } from "typeorm";
import { DeviceEntity, TicketDeviceEntity, TicketEntity } from "../../entities";
import type { RotatingKey, RotatingTicketKeys } from "../crypto/ticket-signer";

/** Ids per IN (...) list. */
const IDS_PER_QUERY = 500;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * The device keys bound to these tickets for compact rotating (T4) codes, by ticket id.
 * A gate's snapshot takes the keys it may admit with (`currentOnly`: at the ticket's
 * holder version, of devices not revoked); the server takes every binding, so a giver's
 * code after an allotment or a revoked device's code is told apart from a forged one
 * (the rule answers INVALID either way, but only a forged code counts as guessing).
 */
export async function boundKeys(m: EntityManager, tickets: readonly TicketEntity[], currentOnly: boolean): Promise<Map<string, RotatingKey[]>> {
  const byTicket = new Map<string, RotatingKey[]>();
  const versionOf = new Map(tickets.map((t) => [t.id, t.holderVersion]));
  const bindings: TicketDeviceEntity[] = [];
  for (let i = 0; i < tickets.length; i += IDS_PER_QUERY) {
    const ids = tickets.slice(i, i + IDS_PER_QUERY).map((t) => t.id);
    bindings.push(...(await m.find(TicketDeviceEntity, { where: { ticketId: In(ids) } })));
  }
  const held = bindings.filter((b) => !currentOnly || versionOf.get(b.ticketId) === b.holderVersion);
  const deviceIds = [...new Set(held.map((b) => b.deviceId))];
  const devices = new Map<string, DeviceEntity>();
  for (let i = 0; i < deviceIds.length; i += IDS_PER_QUERY) {
    const ids = deviceIds.slice(i, i + IDS_PER_QUERY);
    const rows = await m.find(DeviceEntity, { where: currentOnly ? { id: In(ids), revokedAt: IsNull() } : { id: In(ids) } });
    for (const row of rows) devices.set(row.id, row);
  }
  for (const binding of held) {
    const device = devices.get(binding.deviceId);
    if (!device) continue;
    const keys = byTicket.get(binding.ticketId) ?? [];
    keys.push({ deviceId: device.id, publicKey: device.publicKey.toString("base64url"), algorithm: device.algorithm, holderVersion: binding.holderVersion });
    byTicket.set(binding.ticketId, keys);
  }
  return byTicket;
}

/** One ticket's bound keys and validity, as the server checks a T4 code online. */
export async function rotatingKeysOf(m: EntityManager, ticketId: string): Promise<RotatingTicketKeys | null> {
  const ticket = await m.findOneBy(TicketEntity, { id: ticketId });
  if (!ticket) return null;
  const keys = (await boundKeys(m, [ticket], false)).get(ticket.id) ?? [];
  return { validFrom: seconds(ticket.validFrom), validUntil: seconds(ticket.validUntil), keys };
}

/** The tickets of an event bound to a device revoked since `since`: a gate's refresh must hear that their keys are gone. */
export async function ticketsOfDevicesRevokedSince(m: EntityManager, eventId: string, since: Date): Promise<TicketEntity[]> {
  // Devices revoked since a gate's last refresh (seconds to minutes ago) are few.
  const revoked = await m.find(DeviceEntity, { select: { id: true }, where: { revokedAt: MoreThanOrEqual(since) } });
  const tickets: TicketEntity[] = [];
  for (let i = 0; i < revoked.length; i += IDS_PER_QUERY) {
    const bindings = await m.find(TicketDeviceEntity, { where: { deviceId: In(revoked.slice(i, i + IDS_PER_QUERY).map((d) => d.id)) } });
    const ticketIds = [...new Set(bindings.map((b) => b.ticketId))];
    for (let j = 0; j < ticketIds.length; j += IDS_PER_QUERY) {
      tickets.push(...(await m.find(TicketEntity, { where: { eventId, id: In(ticketIds.slice(j, j + IDS_PER_QUERY)) } })));
    }
  }
  return tickets;
}
