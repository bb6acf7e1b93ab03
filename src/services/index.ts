import { AdminService } from "./access/admin.service";
import { AdmissionService } from "./tickets/admission.service";
import { AuthService } from "./access/auth.service";
import { SignUpService } from "./access/sign-up.service";
import { StoreReportService } from "./views/store-report.service";
import { StoreWebhooks } from "./payments/store-webhooks";
import { MemberLookupService } from "./points/member-lookup.service";
import { PointAdjustmentService } from "./points/point-adjustment.service";
import { DailyLimitService } from "./payments/daily-limit.service";
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
import { ChangeHooks } from "./kernel/change-hooks";
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
import { CheckInListService } from "./tickets/check-in-list.service";
import { GateSearchService } from "./tickets/gate-search.service";
import { TicketOfferService } from "./tickets/ticket-offer.service";
import { BooksSealer } from "./books/sealer.service";
import { BooksService } from "./books/books.service";
import { ReceiptKeys } from "./books/receipt-keys.service";
import { ReceiptService } from "./books/receipts.service";
import { BooksCopies } from "./views/books-copies.service";
import { WebhookSecrets } from "./delivery/webhook-secrets";
import { WalletPassService } from "./passes/wallet-pass.service";
import { WEBHOOK_TOPIC, webhookDestination, webhookSender } from "./delivery/webhooks";
import { EventListService } from "./delivery/event-list.service";
import { BillOverdue } from "./bills/bill-overdue";
import { OverdueSweep } from "./upkeep/overdue-sweep.service";
import { StorePayoutsService } from "./views/store-payouts.service";
import { PaymentSearchService } from "./payments/payment-search.service";
import { BillSearchService } from "./bills/bill-search.service";
import { TicketSearchService } from "./tickets/ticket-search.service";
import { Notices } from "./kernel/notices";
import { StoreDaySums } from "./kernel/store-day-sums.service";
import { PushSender } from "./push/push-sender";
import { PushSubscriptionService } from "./push/push-subscription.service";
import { PushReminders } from "./push/push-reminders.service";

export type Services = ReturnType<typeof createServices>;

/** Wires the services together; one set per server process. */
export function createServices(given: ServiceDeps, adminToken: string) {
  // The domains tell what a customer should hear with the app closed; push listens (kernel/notices.ts).
  const deps: ServiceDeps = { ...given, notices: given.notices ?? new Notices() };
  const customers = new CustomerService(deps);
  const cards = new CardService(deps);
  const devices = new DeviceService(deps);
  const userVerification = new UserVerificationService(deps);
  const codes = new CodeService(deps, cards, devices, userVerification);
  const outbox = new OutboxService(deps);
  const pushSender = new PushSender(deps, outbox);
  pushSender.register();
  deps.notices!.listen((tx, customerId, notice, options) => pushSender.tell(tx, customerId, notice, options));
  const receipts = new ReceiptService(deps);
  // Ticket and point changes announced to the domains above them (Wallet passes), in their transactions.
  const changes = new ChangeHooks();
  // A replay waits for the first call at most as long as the institution may take.
  const idempotency = new IdempotencyService(deps, deps.config.institutionTimeoutMs + 2000);
  // A store's day sums, moved by every row they sum (ledger entries, bills collected, points).
  const storeDays = new StoreDaySums(deps.db);
  const pointReceipts = new PointReceipts(deps, receipts, changes, storeDays);
  const paymentPoints = new PaymentPointsService(deps, codes, pointReceipts);
  const storeWebhooks = new StoreWebhooks(deps, outbox);
  // What a payment may hold for the domains above it, moved with its decisions (payment-holds.ts).
  const paymentHolds = new PaymentHolds();
  paymentHolds.register(paymentPoints);
  const billNotices = new BillNotices(outbox, receipts);
  paymentHolds.register(new BillCardPayments(deps, billNotices, storeDays));
  const dailyLimits = new DailyLimitService(deps);
  paymentHolds.register(dailyLimits);
  const paymentDecisions = new PaymentDecisions(deps, cards, outbox, storeWebhooks, paymentHolds, new PaymentReceipts(deps, receipts), storeDays);
  paymentDecisions.registerOutboxHandlers();
  const confirmations = new ConfirmationService(deps, paymentDecisions);
  const credentials = new CredentialService(deps);
  const offlineTokens = new OfflineTokenService(deps, cards, devices);
  const payments = new PaymentService(deps, codes, cards, idempotency, paymentDecisions, confirmations, credentials, devices, offlineTokens, paymentHolds, userVerification, dailyLimits);
  const programs = new ProgramService(deps);
  const memberships = new MembershipService(deps, codes, programs, devices);
  const points = new PointsService(deps, codes, idempotency, programs, memberships, pointReceipts);
  const pointAdjustments = new PointAdjustmentService(deps, idempotency, programs, pointReceipts);
  const memberLookup = new MemberLookupService(deps, memberships);
  const bills = new BillService(deps, codes, idempotency, devices, payments, billNotices, storeDays);
  const ticketEvents = new TicketEventService(deps);
  const tickets = new TicketService(deps, ticketEvents, devices, changes);
  const checkInLists = new CheckInListService(deps, ticketEvents);
  const webhookSecrets = new WebhookSecrets(deps);
  outbox.register(WEBHOOK_TOPIC, webhookSender(deps, webhookSecrets), webhookDestination);
  const auth = new AuthService(deps, adminToken, customers, credentials);
  const books = new BooksService(deps);
  const receiptKeys = new ReceiptKeys(deps);
  const booksCopies = new BooksCopies(deps, outbox, books, webhookSecrets);
  // Wallet passes listen to tickets' and points' changes (kernel/change-hooks.ts); nothing below knows them.
  const walletPasses = new WalletPassService(deps, tickets, memberships, outbox, devices, changes);
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
    dailyLimits,
    codes,
    outbox,
    deadMessages: new DeadMessageService(deps, outbox),
    events: new EventListService(deps, outbox),
    pushSubscriptions: new PushSubscriptionService(deps),
    pushReminders: new PushReminders(deps),
    idempotency,
    paymentDecisions,
    confirmations,
    payments,
    paymentPoints,
    programs,
    memberships,
    points,
    pointAdjustments,
    memberLookup,
    messages: new MessageService(deps, programs),
    bills,
    ticketEvents,
    tickets,
    walletPasses,
    admissions: new AdmissionService(deps, ticketEvents, tickets, receipts, checkInLists, changes),
    gateSnapshots: new GateSnapshotService(deps, ticketEvents),
    checkInLists,
    gateSearch: new GateSearchService(deps, ticketEvents),
    ticketOffers: new TicketOfferService(deps, tickets),
    lookup: new CodeLookupService(deps, codes, memberships, bills, tickets, offlineTokens),
    live: new LiveService(deps, ticketEvents, receiptKeys),
    retention: new RetentionService(deps),
    overdueSweep: new OverdueSweep(deps, new BillOverdue(deps, outbox)),
    authorizationSweep: new AuthorizationSweep(deps, paymentDecisions),
    storeDays,
    storeReports: new StoreReportService(deps, storeDays),
    storePayouts: new StorePayoutsService(deps, storeDays),
    paymentSearch: new PaymentSearchService(deps),
    billSearch: new BillSearchService(deps),
    ticketSearch: new TicketSearchService(deps, tickets),
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
