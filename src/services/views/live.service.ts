import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import type { ReceiptKeys } from "../books/receipt-keys.service";
import type { TicketEventService } from "../tickets/ticket-event.service";
import {
  type AdmissionEvent,
  customerRecipient,
  storeRecipient,
  type BillEvent,
  type ConfirmationRequestEvent,
  type MessageEvent, type TicketOfferEvent,
  type PaymentEvent,
  type TreeHeadEvent,
} from "../kernel/events";
import { requireCustomer, requireCustomerOrRegister, requirePartner } from "../kernel/guards";

/**
 * Who may listen to what. A subscription is opened only after these checks, and only
 * on the caller's own topic, so nobody receives another customer's or store's events.
 */
export class LiveService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: TicketEventService,
    private readonly receiptKeys: ReceiptKeys,
  ) {}

  /** An event's gates and its ticket shop see every admission decision, with the count. */
  async admissions(caller: Caller, eventId: string): Promise<AsyncIterable<AdmissionEvent>> {
    const event = await this.ticketEvents.eventOfCaller(caller, eventId);
    return this.deps.events.admissions(event.id);
  }

  confirmationRequests(caller: Caller): AsyncIterable<ConfirmationRequestEvent> {
    const { customerId } = requireCustomer(caller);
    return this.deps.events.confirmationRequests(customerId);
  }

  /** Anyone: the books' signed tree heads as the sealer signs them (a head is public, and carries nothing else). */
  async booksSealed(): Promise<AsyncIterable<TreeHeadEvent>> {
    return this.deps.events.treeHeads(await this.receiptKeys.booksName());
  }

  billReceipts(caller: Caller): AsyncIterable<BillEvent> {
    const { partnerId } = requirePartner(caller);
    return this.deps.events.billReceipts(partnerId);
  }

  /** A phone: the ticket offers made to it or by it, each time one changes (made, accepted, declined, cancelled). */
  ticketOffers(caller: Caller): AsyncIterable<TicketOfferEvent> {
    const { customerId } = requireCustomer(caller);
    return this.deps.events.ticketOffers(customerId);
  }

  messages(caller: Caller): AsyncIterable<MessageEvent> {
    const { customerId } = requireCustomer(caller);
    return this.deps.events.messages(customerId);
  }

  paymentUpdates(caller: Caller): AsyncIterable<PaymentEvent> {
    const who = requireCustomerOrRegister(caller);
    return this.deps.events.paymentUpdates(
      who.kind === "customer" ? customerRecipient(who.customerId) : storeRecipient(who.storeId),
    );
  }
}
