import type { SaleItem } from "../../entities/payment.entity";
import { badInput } from "../kernel/errors";
import { optionalText, requireCurrency, requirePositiveAmount, requireText } from "../kernel/validation";

export interface SaleInput {
  amount: number;
  currency: string;
  items?: SaleItem[] | null;
  reference?: string | null;
}

export interface Sale {
  amount: number;
  currency: string;
  items: SaleItem[];
  reference: string | null;
}

const MAX_ITEMS = 200;

/** Checks a register's sale: a positive amount in the store's currency, items that add up. */
export function normalizeSale(input: SaleInput, storeCurrency: string): Sale {
  const amount = requirePositiveAmount(input.amount, "sale.amount");
  const currency = requireCurrency(input.currency, "sale.currency");
  if (currency !== storeCurrency) badInput(`This store takes ${storeCurrency}`, { field: "sale.currency" });
  const items = (input.items ?? []).map((item, i) => {
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) badInput("item quantity must be positive", { field: `sale.items.${i}.quantity` });
    if (!Number.isSafeInteger(item.unitPrice) || item.unitPrice < 0) badInput("item unitPrice must not be negative", { field: `sale.items.${i}.unitPrice` });
    return { name: requireText(item.name, `sale.items.${i}.name`, 100), quantity: item.quantity, unitPrice: item.unitPrice };
  });
  if (items.length > MAX_ITEMS) badInput(`at most ${MAX_ITEMS} items`, { field: "sale.items" });
  if (items.length > 0) {
    const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    if (total !== amount) badInput(`items add up to ${total}, not ${amount}`, { field: "sale.items" });
  }
  return { amount, currency, items, reference: optionalText(input.reference, "sale.reference", 64) };
}
