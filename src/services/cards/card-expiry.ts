import type { CardEntity } from "../../entities";

/**
 * A card is good through the last day of its expiry month (as printed, MM/YY) and past
 * it from the first instant of the next month, in UTC: the server keeps no time zone per
 * card, and the institution declines an expired card anyway. A payment is never begun
 * with a card past that instant.
 */
export function cardExpired(card: Pick<CardEntity, "expiryMonth" | "expiryYear">, now: Date): boolean {
  const month = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
  return Number(card.expiryYear) * 12 + Number(card.expiryMonth) < month;
}
