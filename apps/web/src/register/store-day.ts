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
