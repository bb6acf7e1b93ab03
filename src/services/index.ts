import { AdminService } from "./access/admin.service";
import { AdmissionService } from "./tickets/admission.service";
import { AuthService } from "./access/auth.service";
import { SignUpService } from "./access/sign-up.service";
import { StoreReportService } from "./views/store-report.service";
import { StoreWebhooks } from "./payments/store-webhooks";
import { OfflineTokenService } from "./payments/offline-token.service";
import { BillCardPayments } from "./bills/bill-card-payments";
import { BillNotices } from "./bills/bill-notices";
import { BillService } from "./bills/bill.service";
import { CardService } from "./cards/card.service";
import { CustomerNumbers } from "./kernel/customer-numbers.service";
import { CodeLookupService } from "./views/code-lookup.service";
import { CodeService } from "./codes/code.service";
import { CredentialService } from "./access/credential.service";
import { ConfirmationService } from "./payments/confirmation.service";
import { CustomerService } from "./access/customer.service";
import { DeadMessageService } from "./delivery/dead-messages.service";
import { DeviceService } from "./devices/device.service";
import { UserVerificationService } from "./devices/user-verification.service";
import type { ServiceDeps } from "./kernel/deps";
import { TicketEventService } from "./tickets/ticket-event.service";
import { GateSnapshotService } from "./tickets/gate-snapshot.service";
import { IdempotencyService } from "./kernel/idempotency.service";
import { KeySweep } from "./upkeep/key-sweep.service";
import { AuthorizationSweep } from "./upkeep/authorization-sweep.service";
import { LiveService } from "./views/live.service";
import { MembershipService } from "./members/membership.service";
import { MessageService } from "./members/message.service";
import { OutboxService } from "./delivery/outbox.service";
import { PaymentDecisions } from "./payments/payment-decisions.service";
import { PaymentHolds } from "./payments/payment-holds";
import { PaymentReceipts } from "./payments/payment-receipts";
import { PaymentService } from "./payments/payment.service";
import { PaymentPointsService } from "./points/payment-points.service";
import { PointsService } from "./points/points.service";
import { PointReceipts } from "./points/point-receipts";
import { ProgramService } from "./members/program.service";
import { RetentionService } from "./upkeep/retention.service";
import { TicketService } from "./tickets/ticket.service";
import { BooksSealer } from "./books/sealer.service";
import { BooksService } from "./books/books.service";
import { ReceiptKeys } from "./books/receipt-keys.service";
import { ReceiptService } from "./books/receipts.service";
import { BooksCopies } from "./views/books-copies.service";
import { WebhookSecrets } from "./delivery/webhook-secrets";
import { WEBHOOK_TOPIC, webhookDestination, webhookSender } from "./delivery/webhooks";

export type Services = ReturnType<typeof createServices>;

/** Wires the services together; one set per server process. */
export function createServices(deps: ServiceDeps, adminToken: string) {
  const customers = new CustomerService(deps);
  const cards = new CardService(deps);
  const devices = new DeviceService(deps);
  const userVerification = new UserVerificationService(deps);
  const codes = new CodeService(deps, cards, devices, userVerification);
  const outbox = new OutboxService(deps);
  const receipts = new ReceiptService(deps);
  // A replay waits for the first call at most as long as the institution may take.
  const idempotency = new IdempotencyService(deps, deps.config.institutionTimeoutMs + 2000);
  const pointReceipts = new PointReceipts(deps, receipts);
  const paymentPoints = new PaymentPointsService(deps, codes, pointReceipts);
  const storeWebhooks = new StoreWebhooks(deps, outbox);
  // What a payment may hold for the domains above it, moved with its decisions (payment-holds.ts).
  const paymentHolds = new PaymentHolds();
  paymentHolds.register(paymentPoints);
  const billNotices = new BillNotices(outbox, receipts);
  paymentHolds.register(new BillCardPayments(deps, billNotices));
  const paymentDecisions = new PaymentDecisions(deps, cards, outbox, storeWebhooks, paymentHolds, new PaymentReceipts(deps, receipts));
  paymentDecisions.registerOutboxHandlers();
  const confirmations = new ConfirmationService(deps, paymentDecisions);
  const credentials = new CredentialService(deps);
  const offlineTokens = new OfflineTokenService(deps, cards, devices);
  const payments = new PaymentService(deps, codes, cards, idempotency, paymentDecisions, confirmations, credentials, devices, offlineTokens, paymentHolds, userVerification);
  const programs = new ProgramService(deps);
  const memberships = new MembershipService(deps, codes, programs, devices);
  const points = new PointsService(deps, codes, idempotency, programs, memberships, pointReceipts);
  const bills = new BillService(deps, codes, idempotency, devices, payments, billNotices);
  const ticketEvents = new TicketEventService(deps);
  const tickets = new TicketService(deps, ticketEvents, devices);
  const webhookSecrets = new WebhookSecrets(deps);
  outbox.register(WEBHOOK_TOPIC, webhookSender(deps, webhookSecrets), webhookDestination);
  const auth = new AuthService(deps, adminToken, customers, credentials);
  const books = new BooksService(deps);
  const receiptKeys = new ReceiptKeys(deps);
  const booksCopies = new BooksCopies(deps, outbox, books, webhookSecrets);
  return {
    auth,
    signUp: new SignUpService(deps, deps.sms, customers, auth),
    credentials,
    admin: new AdminService(deps, webhookSecrets),
    customers,
    cards,
    devices,
    userVerification,
    offlineTokens,
    codes,
    outbox,
    deadMessages: new DeadMessageService(deps, outbox),
    idempotency,
    paymentDecisions,
    confirmations,
    payments,
    paymentPoints,
    programs,
    memberships,
    points,
    messages: new MessageService(deps, programs),
    bills,
    ticketEvents,
    tickets,
    admissions: new AdmissionService(deps, ticketEvents, tickets, receipts),
    gateSnapshots: new GateSnapshotService(deps, ticketEvents),
    lookup: new CodeLookupService(deps, codes, memberships, bills, tickets, offlineTokens),
    live: new LiveService(deps, ticketEvents, receiptKeys),
    retention: new RetentionService(deps),
    authorizationSweep: new AuthorizationSweep(deps, paymentDecisions),
    storeReports: new StoreReportService(deps),
    customerNumbers: new CustomerNumbers(deps.keys.customerNumber),
    keySweep: new KeySweep(deps, webhookSecrets),
    receipts,
    books,
    booksCopies,
    receiptKeys,
    sealer: new BooksSealer(
      deps,
      // The name is read once, then kept: heads go out in the order they were signed.
      (head) => void receiptKeys.booksName().then((name) => deps.events.booksSealed(name, head), () => undefined),
      (tx, head) => booksCopies.sealed(tx, head),
    ),
  };
}
