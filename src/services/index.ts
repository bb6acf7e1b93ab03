import { AdminService } from "./admin.service";
import { AdmissionService } from "./admission.service";
import { AuthService } from "./auth.service";
import { SignUpService } from "./sign-up.service";
import { StoreReportService } from "./store-report.service";
import { StoreWebhooks } from "./store-webhooks";
import { OfflineTokenService } from "./offline-token.service";
import { BillCardPayments } from "./bill-card-payments";
import { BillService } from "./bill.service";
import { CardService } from "./card.service";
import { CustomerNumbers } from "./customer-number";
import { CodeLookupService } from "./code-lookup.service";
import { CodeService } from "./code.service";
import { CredentialService } from "./credential.service";
import { ConfirmationService } from "./confirmation.service";
import { CustomerService } from "./customer.service";
import { DeadMessageService } from "./dead-messages.service";
import { DeviceService } from "./device.service";
import type { ServiceDeps } from "./deps";
import { TicketEventService } from "./event.service";
import { GateSnapshotService } from "./gate-snapshot.service";
import { IdempotencyService } from "./idempotency.service";
import { KeySweep } from "./key-sweep.service";
import { LiveService } from "./live.service";
import { MembershipService } from "./membership.service";
import { MessageService } from "./message.service";
import { OutboxService } from "./outbox.service";
import { PaymentDecisions } from "./payment-decisions";
import { PaymentService } from "./payment.service";
import { PaymentPointsService } from "./payment-points.service";
import { PointsService } from "./points.service";
import { ProgramService } from "./program.service";
import { RetentionService } from "./retention.service";
import { TicketService } from "./ticket.service";
import { WebhookSecrets } from "./webhook-secrets";
import { WEBHOOK_TOPIC, webhookDestination, webhookSender } from "./webhooks";

export type Services = ReturnType<typeof createServices>;

/** Wires the services together; one set per server process. */
export function createServices(deps: ServiceDeps, adminToken: string) {
  const customers = new CustomerService(deps);
  const cards = new CardService(deps);
  const devices = new DeviceService(deps);
  const codes = new CodeService(deps, cards, devices);
  const outbox = new OutboxService(deps);
  // A replay waits for the first call at most as long as the institution may take.
  const idempotency = new IdempotencyService(deps, deps.config.institutionTimeoutMs + 2000);
  const paymentPoints = new PaymentPointsService(deps, codes);
  const storeWebhooks = new StoreWebhooks(deps, outbox);
  const paymentDecisions = new PaymentDecisions(deps, cards, outbox, paymentPoints, storeWebhooks, new BillCardPayments(deps, outbox));
  paymentDecisions.registerOutboxHandlers();
  const confirmations = new ConfirmationService(deps, paymentDecisions);
  const credentials = new CredentialService(deps);
  const offlineTokens = new OfflineTokenService(deps, cards, devices);
  const payments = new PaymentService(deps, codes, cards, idempotency, paymentDecisions, confirmations, credentials, devices, offlineTokens, paymentPoints);
  const programs = new ProgramService(deps);
  const memberships = new MembershipService(deps, codes, programs, devices);
  const points = new PointsService(deps, codes, idempotency, programs, memberships);
  const bills = new BillService(deps, codes, idempotency, outbox, devices, payments);
  const ticketEvents = new TicketEventService(deps);
  const tickets = new TicketService(deps, ticketEvents, devices);
  const webhookSecrets = new WebhookSecrets(deps);
  outbox.register(WEBHOOK_TOPIC, webhookSender(deps, webhookSecrets), webhookDestination);
  const auth = new AuthService(deps, adminToken, customers, credentials);
  return {
    auth,
    signUp: new SignUpService(deps, deps.sms, customers, auth),
    credentials,
    admin: new AdminService(deps, webhookSecrets),
    customers,
    cards,
    devices,
    offlineTokens,
    codes,
    outbox,
    deadMessages: new DeadMessageService(deps, outbox),
    idempotency,
    paymentDecisions,
    confirmations,
    payments,
    programs,
    memberships,
    points,
    messages: new MessageService(deps, programs),
    bills,
    ticketEvents,
    tickets,
    admissions: new AdmissionService(deps, ticketEvents, tickets),
    gateSnapshots: new GateSnapshotService(deps, ticketEvents),
    lookup: new CodeLookupService(deps, codes, memberships, bills, tickets, offlineTokens),
    live: new LiveService(deps, ticketEvents),
    retention: new RetentionService(deps),
    storeReports: new StoreReportService(deps),
    customerNumbers: new CustomerNumbers(deps.keys.customerNumber),
    keySweep: new KeySweep(deps, webhookSecrets),
  };
}
