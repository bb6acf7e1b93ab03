import type { Clock } from "../../clock";
import type { Config } from "../../config";
import type { Db } from "../../database";
import type { Logger } from "../../logger";
import type { PurposeKeys } from "../crypto/purpose-keys";
import type { EventBus } from "./events";
import type { Notices } from "./notices";
import type { ServiceMetrics } from "./metrics";
import type { ReceiptSigner } from "../crypto/receipt-signer";
import type { TicketSigner } from "../crypto/ticket-signer";
import type { CardInstitution } from "../institutions/institution";
import type { RateLimits } from "./rate-limits";
import type { LeaseStore } from "./processing-leases";
import type { SmsSender } from "../sms/sms-sender";

/** Web Push's VAPID key pair (RFC 8292), base64url as web-push makes it, and the subject push services may contact. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** What every service is built with; assembled once in src/app.ts. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** One key ring per purpose: card numbers, code hashes, card fingerprints, webhook secrets. */
  keys: PurposeKeys;
  /** Signs and checks ticket codes (T1, T2); apart from the ticket service, which keeps the tickets. */
  ticketSigner: TicketSigner;
  /** Signs receipts and the books' tree heads (books/). */
  receiptSigner: ReceiptSigner;
  institution: CardInstitution;
  rateLimits: RateLimits;
  /** Live events, published only after the change has committed. */
  events: EventBus;
  /** What customers are told while their app may be closed (Web Push); the wiring makes one when none is given. */
  notices?: Notices;
  /** Signs Web Push requests; null or absent: push is off (production without keys). */
  vapid?: VapidKeys | null;
  /** The events an operator counts (redeem outcomes, reversals, expiries). */
  metrics: ServiceMetrics;
  /** Where sign-up codes go; null when no gateway is configured in production (sign-up is then off). */
  sms: SmsSender | null;
  /** Where instances show which payments they are still working on (Redis; processing-leases.ts); none without Redis. */
  leaseStore?: LeaseStore | null;
}
