import { locale } from "./i18n";

/**
 * Amounts, dates and times through Intl in the chosen language. A time zone is the
 * store's on the register; where nothing names one (the gate, the phone) it is left out,
 * and Intl uses the browser's.
 */
const ZERO_DECIMAL = new Set(["JPY", "KRW", "VND", "CLP", "ISK"]);

/** Amounts are in the currency's minor unit (yen are whole; dollars have cents). */
export function money(amount: number, currency: string): string {
  const value = ZERO_DECIMAL.has(currency) ? amount : amount / 100;
  return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(value);
}

/** A count or an amount with no currency known (the phone's own limits): grouped as the language writes numbers. */
export const number = (value: number): string => new Intl.NumberFormat(locale()).format(value);

/** A long code split in groups of four, easier to read aloud or type. */
export const grouped = (code: string) => (/^\d+$/.test(code) ? code.replace(/(\d{4})(?=\d)/g, "$1 ") : code);

/** A date and time: "12 Mar 2025, 19:02" / "2025/03/12 19:02". */
export const when = (at: string | Date, timeZone?: string) =>
  new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(at));

/** A day with no time (a bill's due date). */
export const day = (at: string | Date, timeZone?: string) => new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone }).format(new Date(at));

/** The day spelled out, as a heading: "Wednesday 12 March" / "3月12日水曜日". */
export const longDay = (at: string | Date, timeZone?: string) =>
  new Intl.DateTimeFormat(locale(), { weekday: "long", day: "numeric", month: "long", timeZone }).format(new Date(at));

/** A time of day on the 24-hour clock, as counters and gates read it: "19:02". */
export const hhmm = (at: string | Date, timeZone?: string) =>
  new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(new Date(at));

/** A time with seconds (a snapshot's age). */
export const clockTime = (at: string | Date, timeZone?: string) =>
  new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone }).format(new Date(at));

/** A short date and time for a list of events: "12 Mar, 18:30". */
export const shortWhen = (at: string | Date, timeZone?: string) =>
  new Intl.DateTimeFormat(locale(), { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(new Date(at));
