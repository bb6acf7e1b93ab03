import type { EntityManager } from "typeorm";
import { readDate } from "../../database/column-values";
import { TicketEntity } from "../../entities";
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

/** Phones per IN (...) list. */
const PHONES_PER_QUERY = 500;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

type Holding = Pick<TicketEntity, "id" | "holderPhone" | "holderVersion">;

interface KeyRow {
  phone: string;
  deviceId: string;
  publicKey: Buffer;
  algorithm: RotatingKey["algorithm"];
  createdAt: unknown;
}

/**
 * The keys of these tickets' holders' devices, by ticket id, at each ticket's holder
 * version, oldest device first. A gate's snapshot takes the devices not revoked
 * (`activeOnly`); the server takes every one, so that a revoked device's code is told
 * apart from a forged one (the rule answers INVALID either way, but only a forged code
 * counts as guessing). One read per 500 holders, of plain rows (a snapshot page asks for
 * thousands of tickets' keys), each device's key encoded once however many tickets its
 * holder has.
 */
export async function holderKeys(m: EntityManager, tickets: readonly Holding[], activeOnly: boolean): Promise<Map<string, RotatingKey[]>> {
  const phones = [...new Set(tickets.map((t) => t.holderPhone))];
  const devicesByPhone = new Map<string, Array<{ at: number; key: Omit<RotatingKey, "holderVersion"> }>>();
  for (let i = 0; i < phones.length; i += PHONES_PER_QUERY) {
    const chunk = phones.slice(i, i + PHONES_PER_QUERY);
    const rows = (await m.query(
      "SELECT c.phone AS phone, d.id AS deviceId, d.publicKey AS publicKey, d.algorithm AS algorithm, d.createdAt AS createdAt " +
        `FROM customers c JOIN devices d ON d.customerId = c.id${activeOnly ? " AND d.revokedAt IS NULL" : ""} WHERE c.phone IN (${chunk.map(() => "?").join(", ")})`,
      chunk,
    )) as KeyRow[];
    for (const row of rows) {
      const devices = devicesByPhone.get(row.phone) ?? [];
      devicesByPhone.set(row.phone, devices);
      devices.push({ at: readDate(row.createdAt).getTime(), key: { deviceId: row.deviceId, publicKey: Buffer.from(row.publicKey).toString("base64url"), algorithm: row.algorithm } });
    }
  }
  for (const devices of devicesByPhone.values()) devices.sort((a, b) => a.at - b.at || (a.key.deviceId < b.key.deviceId ? -1 : 1));
  return new Map(tickets.map((t) => [t.id, (devicesByPhone.get(t.holderPhone) ?? []).map(({ key }) => ({ ...key, holderVersion: t.holderVersion }))]));
}

/** One ticket's holder's keys and its validity, as the server checks a T4 code online. */
export async function rotatingKeysOf(m: EntityManager, ticketId: string): Promise<RotatingTicketKeys | null> {
  const ticket = await m.findOneBy(TicketEntity, { id: ticketId });
  if (!ticket) return null;
  const keys = (await holderKeys(m, [ticket], false)).get(ticket.id) ?? [];
  return { validFrom: seconds(ticket.validFrom), validUntil: seconds(ticket.validUntil), keys };
}
