import { createHash } from "node:crypto";
import { customerNumberOf } from "../../src/services/kernel/customer-numbers.service";
import { parseKey } from "../../src/services/crypto/key-ring";
import { brandOf, luhnCheckDigit } from "../../src/services/crypto/luhn";
import { purposeKeys, type PurposeKeys } from "../../src/services/crypto/purpose-keys";
import type { ScaleActors } from "./actors";
import type { SeedSizes } from "./seed-sizes";
import { at, idAt, text, type Batch } from "./seed-sql";

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365 * DAY_MS;

/** Rows per INSERT: a few thousand keeps each statement well under max_allowed_packet. */
export const BATCH_ROWS = 2_000;

/** One of 0 to n - 1, evenly. */
export const pick = (n: number): number => Math.floor(Math.random() * n);

/** A uniformly spread time in [from, to). */
export const between = (from: number, to: number): number => from + Math.random() * (to - from);

export const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");

/** One seeded store: its id, name and whether it earns points in the actors' program. */
export interface SeedStore {
  id: string;
  name: string;
}

/** One seeded customer's cards, as payments copy them. */
export interface SeedCard {
  id: string;
  brand: string;
  last4: string;
}

/**
 * What the tables share while seeding: the moment the year ends, the server's keys (from
 * the actors' CARD_KEY, so seeded cards open and customer numbers match the server's),
 * and the ids of the rows later tables point at.
 */
export class SeedWorld {
  readonly now = Date.now();
  /** The year ends a minute ago, so every row the bench then makes comes after it. */
  readonly end = this.now - 60_000;
  readonly start = this.end - YEAR_MS;
  readonly keys: PurposeKeys;
  readonly customerIds: string[] = [];
  readonly phones: string[] = [];
  readonly cards: SeedCard[] = [];
  stores: SeedStore[] = [];
  busiest: SeedStore = { id: "", name: "" };
  partnerIds: string[] = [];
  programId: string | null = null;
  programExpiryDays = 365;
  /** Member numbers already used (the actors' phones joined the program through the API). */
  readonly takenMemberNumbers = new Set<string>();

  constructor(
    readonly actors: ScaleActors,
    readonly sizes: SeedSizes,
    /** One scrypt hash for every seeded customer: hashing 200,000 passwords would take hours. */
    readonly passwordHash: string,
  ) {
    this.keys = purposeKeys({
      card: { current: parseKey(actors.cardKey), previous: [] },
      codeHash: { previous: [] },
      cardFingerprint: { previous: [] },
      webhookSecret: { previous: [] },
    });
  }

  customerNumber(customerId: string, storeId: string): string {
    return customerNumberOf(this.keys.customerNumber, customerId, storeId);
  }

  /** Customers, made before the year starts (in its first month back), each with its cards. */
  *customersAndCards(): Generator<Batch[]> {
    const { customers, cardsPerCustomer } = this.sizes;
    const fingerprintKeyId = this.keys.fingerprints.currentKeyId;
    for (let from = 0; from < customers; from += BATCH_ROWS) {
      const customerRows: string[] = [];
      const cardRows: string[] = [];
      for (let i = from; i < Math.min(customers, from + BATCH_ROWS); i++) {
        const created = this.start - 30 * DAY_MS + (i / customers) * 30 * DAY_MS;
        const id = idAt(created);
        // +8180 and eight digits: the actors' phones are +8170 (bench/world.ts).
        const phone = `+8180${String(10_000_000 + i)}`;
        this.customerIds.push(id);
        this.phones.push(phone);
        customerRows.push(`(${text(id)},${text(phone)},'Seed Customer',${text(this.passwordHash)},${at(created)})`);
        for (let c = 0; c < cardsPerCustomer; c++) {
          const card = i * cardsPerCustomer + c;
          // VISA and MASTERCARD, each number its own (a Luhn-valid serial).
          const body = `${c % 2 === 0 ? "4" : "51"}${String(card).padStart(c % 2 === 0 ? 14 : 13, "0")}`;
          const pan = body + luhnCheckDigit(body);
          const sealed = this.keys.cards.seal(pan);
          const cardId = idAt(created + 1 + c);
          const brand = brandOf(pan);
          this.cards.push({ id: cardId, brand, last4: pan.slice(-4) });
          cardRows.push(
            `(${text(cardId)},${text(id)},'${c + 1}','CREDIT','Test Card Co.',${text(brand)},${text(pan.slice(-4))},12,2031,'SEED CUSTOMER','AVAILABLE',` +
              `${text(sealed.ciphertext)},${text(sealed.keyId)},${text(this.keys.fingerprints.hash(pan))},${text(fingerprintKeyId)},${at(created + 1 + c)})`,
          );
        }
      }
      yield [
        { table: "customers", columns: ["id", "phone", "name", "passwordHash", "createdAt"], rows: customerRows },
        {
          table: "cards",
          columns: ["id", "customerId", "selector", "kind", "institution", "brand", "last4", "expiryMonth", "expiryYear", "holderName", "status", "panCiphertext", "panKeyId", "panFingerprint", "panFingerprintKeyId", "createdAt"],
          rows: cardRows,
        },
      ];
    }
  }
}
