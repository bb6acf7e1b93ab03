/**
 * The closed lists of names that the database stores and the API shows, each written
 * once: the TypeScript type is made from the array here, and schema/enums.ts makes the
 * GraphQL enum from the same array, so the two cannot drift apart. The moves between
 * statuses live with their tables in the services (payments/payment-states.ts,
 * bills/bill-states.ts); the gate's answers live with
 * their rules in admission-rules.ts.
 */

export const CARD_KINDS = ["CREDIT", "DEBIT", "BANK"] as const;
export type CardKind = (typeof CARD_KINDS)[number];

/** Whether the customer offers the card for payment; a new card starts NOT_AVAILABLE. */
export const CARD_STATUSES = ["AVAILABLE", "NOT_AVAILABLE"] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const CODE_KINDS = ["PAYMENT", "MEMBER", "BILL", "TICKET"] as const;
export type CodeKind = (typeof CODE_KINDS)[number];

/** A REGISTER key belongs to a store; GATE and PARTNER keys to a partner. */
export const API_KEY_ROLES = ["REGISTER", "GATE", "PARTNER"] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** How the clerk took a bill's money. */
export const TENDERS = ["CASH", "CARD"] as const;
export type Tender = (typeof TENDERS)[number];

/**
 * Payment statuses. PROCESSING is ours, beyond the contract's list: the code is claimed
 * and the institution is being asked. A payment found in PROCESSING after a crash is
 * reversed by recovery (payments/payment-decisions.service.ts). AUTHORIZED is a sale made
 * with capture later: the institution holds the money until it is captured (APPROVED, for
 * the captured amount) or released (RELEASED; nothing was charged).
 */
export const PAYMENT_STATUSES = [
  "PROCESSING",
  "PENDING_CONFIRMATION",
  "APPROVED",
  "DECLINED",
  "REJECTED_BY_CUSTOMER",
  "EXPIRED",
  "VOIDED",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
  "AUTHORIZED",
  "RELEASED",
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * Bill statuses. OPEN, PAID and CANCELLED are stored; OVERDUE is not: it is an OPEN
 * bill past its due date, and is read as such everywhere (lists, filters, lookups).
 */
export const BILL_STATUSES = ["OPEN", "PAID", "CANCELLED", "OVERDUE"] as const;

export type BillStatus = (typeof BILL_STATUSES)[number];
export type StoredBillStatus = Exclude<BillStatus, "OVERDUE">;

/** The signature schemes a phone's key may use: what secure elements and WebCrypto both offer. */
export const DEVICE_ALGORITHMS = ["Ed25519", "ES256"] as const;
export type DeviceAlgorithm = (typeof DEVICE_ALGORITHMS)[number];

/** What a WebAuthn challenge is for: registering a passkey, or one user verification. */
export const VERIFICATION_PURPOSES = ["REGISTER", "VERIFY"] as const;
export type VerificationPurpose = (typeof VERIFICATION_PURPOSES)[number];

/** A ticket offer's statuses (services/tickets/offer-states.ts); EXPIRED is also read from an OFFERED row past its time. */
export const TICKET_OFFER_STATUSES = ["OFFERED", "ACCEPTED", "DECLINED", "CANCELLED", "EXPIRED"] as const;
export type TicketOfferStatus = (typeof TICKET_OFFER_STATUSES)[number];
