/**
 * The closed lists of names that the database stores and the API shows, each written
 * once: the TypeScript type is made from the array here, and schema/enums.ts makes the
 * GraphQL enum from the same array, so the two cannot drift apart. Status lists with
 * moves between them live with their tables in states.ts; the gate's answers live with
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
