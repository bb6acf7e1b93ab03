import { DateTime, IANAZone } from "luxon";
import { badInput } from "./errors";

/** An IANA time zone name ("Asia/Tokyo"); BAD_USER_INPUT for anything else. */
export function requireTimeZone(zone: string, field = "timeZone"): string {
  if (!IANAZone.isValidZone(zone)) badInput(`${field} must be an IANA time zone such as Asia/Tokyo`, { field });
  return zone;
}

/**
 * The instants a store's calendar day covers: [from, to), from its midnight to the next
 * in its time zone (23 or 25 hours across a daylight-saving change).
 */
export function dayInZone(date: string, zone: string): { from: Date; to: Date } {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone }) : null;
  if (!start?.isValid) return badInput("date must be a calendar date, YYYY-MM-DD", { field: "date" });
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}

/** The calendar date (YYYY-MM-DD) an instant falls on in the zone. */
export function dateInZone(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}
