import type { Tender } from "../../entities/value-lists";
import type { BillStatus } from "../../entities/value-lists";

// The bill as the API, live events and webhooks show it: a type of its own, importing no
// service, so the event bus can name it without reaching into the bills' rules.
export interface BillView {
  id: string;
  reference: string;
  billerName: string;
  amount: number;
  currency: string;
  description: string | null;
  dueDate: Date;
  status: BillStatus;
  paidAt: Date | null;
  paidAtStore: string | null;
  /** How it was paid, once PAID. */
  tender: Tender | null;
  /** The card payment paying the bill or that paid it; for a card collection's answer, the one it made. */
  paymentId: string | null;
}
