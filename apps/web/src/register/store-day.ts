/** A moment's calendar day (YYYY-MM-DD) in the store's time zone, as the server counts the store's day. */
export const dayIn = (timeZone: string, at: Date | string = new Date()): string => new Date(at).toLocaleDateString("sv", { timeZone });

/** A time of day in the store's time zone. */
export const timeIn = (timeZone: string, at: string): string => new Date(at).toLocaleTimeString(undefined, { timeZone, hour: "2-digit", minute: "2-digit" });

const PAGE = 50;
/** A day's payments past this many are left to the back office: the till's list stays quick. */
const MOST = 500;

/** The store's history, newest first, a page at a time (RegisterClient.payments). */
export interface PaymentPages<P> {
  payments(first: number, after: string | null): Promise<{ nodes: P[]; nextCursor: string | null }>;
}

/**
 * The store's payments made on `day` (its time zone), newest first: pages of the
 * store's history (newest first) until one is from an earlier day.
 */
export async function paymentsOfDay<P extends { createdAt: string }>(client: PaymentPages<P>, timeZone: string, day: string): Promise<{ payments: P[]; more: boolean }> {
  const payments: P[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { nodes: P[]; nextCursor: string | null } = await client.payments(PAGE, after);
    for (const payment of page.nodes) {
      const of = dayIn(timeZone, payment.createdAt);
      if (of < day) return { payments, more: false };
      if (of === day) payments.push(payment);
    }
    if (!page.nextCursor) return { payments, more: false };
    if (payments.length >= MOST) return { payments, more: true };
    after = page.nextCursor;
  }
}

/** The calendar day `days` after `day` (YYYY-MM-DD; negative: before). */
export function addDays(day: string, days: number): string {
  const at = new Date(`${day}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/**
 * The instant a calendar day begins in the store's time zone (its midnight), so a search
 * by dates counts the store's days as the server's reports do.
 */
export function startOfDayIn(timeZone: string, day: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // The zone's offset near that moment, asked twice: once more after a daylight-saving change.
  let at = utcMidnight;
  for (let i = 0; i < 2; i++) at = utcMidnight - offsetAt(timeZone, at);
  return new Date(at);
}

/** How far the zone's wall clock is ahead of UTC at `at` (ms). */
function offsetAt(timeZone: string, at: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(at / 1000) * 1000;
}
