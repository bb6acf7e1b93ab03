import { customerNumberOf } from "../../src/services/kernel/customer-numbers.service";
import { parseKey } from "../../src/services/crypto/key-ring";
import { brandOf, luhnCheckDigit } from "../../src/services/crypto/luhn";
import { purposeKeys, type PurposeKeys } from "../../src/services/crypto/purpose-keys";
import type { ScaleActors } from "./actors";
import type { SeedSizes } from "./seed-sizes";
import { at, text, type Batch, type SqlJob } from "./seed-sql";
import { idOf, idSql, serials, timeSql } from "./seed-sql-expr";

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365 * DAY_MS;

/** Rows per INSERT the seeder sends itself: a few thousand keeps each statement well under max_allowed_packet. */
export const BATCH_ROWS = 2_000;
/** Rows per INSERT … SELECT: enough per statement that the connections share a table's work. */
export const SQL_CHUNK = 250_000;

/** Each table's tag in the ids the seeder makes (seed-sql-expr.ts idSql): ids of different tables never meet. */
export const TAG = {
  customer: 0x001, card: 0x002, member: 0x003, store: 0x004, partner: 0x005, event: 0x006,
  payment: 0x010, code: 0x011, sale: 0x012, refundEntry: 0x013, refund: 0x014, saleReport: 0x015, refundReport: 0x016,
  settlement: 0x020, movement: 0x021, lot: 0x022,
  bill: 0x030,
  ticket: 0x040, admission: 0x041, bigTicket: 0x042, bigAdmission: 0x043, bigDenied: 0x044,
} as const;

/**
 * The small tables the SQL-made rows join to pick a store, a partner or an event by its
 * number (0 is the actors' own); dropped once the seed is done.
 */
export const HELPER_TABLES = {
  stores: "seed_stores",
  partners: "seed_partners",
  events: "seed_events",
};

/** Every seeded customer's phone: +8180 and eight digits (the actors' phones are +8170, bench/world.ts). */
export const phoneSql = (customer: string): string => `CONCAT('+8180', 10000000 + ${customer})`;

/**
 * What the tables share while seeding: the moment the year ends, the server's keys (from
 * the actors' CARD_KEY, so seeded cards open and customer numbers match the server's),
 * and how each row's id and time follow from its serial number, in TypeScript and SQL
 * alike (seed-sql-expr.ts), so a table made later points at the rows made before it
 * without reading them.
 */
export class SeedWorld {
  readonly now = Date.now();
  /** The year ends a minute ago, so every row the bench then makes comes after it. */
  readonly end = this.now - 60_000;
  readonly start = this.end - YEAR_MS;
  readonly keys: PurposeKeys;
  busiest: { id: string; name: string } = { id: "", name: "" };
  programId: string | null = null;
  programExpiryDays = 365;
  /** Member numbers already used (the actors' phones joined the program through the API). */
  readonly takenMemberNumbers = new Set<string>();
  /** Customers are made over the month before the year, this far apart (whole milliseconds, so SQL and TypeScript agree). */
  private readonly customerStep: number;

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
    this.customerStep = Math.floor((30 * DAY_MS) / sizes.customers);
  }

  customerNumber(customerId: string, storeId: string): string {
    return customerNumberOf(this.keys.customerNumber, customerId, storeId);
  }

  /** A whole-millisecond step that spreads `count` rows over the year. */
  stepOver(count: number): number {
    return Math.floor((this.end - this.start) / count);
  }

  private customerCreated = (i: number): number => this.start - 30 * DAY_MS + i * this.customerStep;
  customerId = (i: number): string => idOf(this.customerCreated(i), TAG.customer, i);
  customerIdSql = (i: string): string => idSql(`(${this.start - 30 * DAY_MS} + ${i} * ${this.customerStep})`, TAG.customer, i);
  /** Card `n` is customer n / cardsPerCustomer's, made a millisecond or two after them. */
  cardId = (n: number): string => idOf(this.cardCreated(n), TAG.card, n);
  cardIdSql = (n: string): string => {
    const perCustomer = this.sizes.cardsPerCustomer;
    return idSql(`(${this.start - 30 * DAY_MS} + (${n} DIV ${perCustomer}) * ${this.customerStep} + 1 + ${n} % ${perCustomer})`, TAG.card, n);
  };
  private cardCreated = (n: number): number => this.customerCreated(Math.floor(n / this.sizes.cardsPerCustomer)) + 1 + (n % this.sizes.cardsPerCustomer);

  /** The customers, made by MariaDB: their ids, phones and times follow from their numbers. */
  customers(): SqlJob[] {
    const jobs: SqlJob[] = [];
    for (let from = 0; from < this.sizes.customers; from += SQL_CHUNK) {
      const to = Math.min(this.sizes.customers, from + SQL_CHUNK);
      jobs.push({
        table: "customers",
        sql:
          `INSERT INTO customers (id, phone, name, passwordHash, createdAt) ` +
          `SELECT ${this.customerIdSql("seq")}, ${phoneSql("seq")}, 'Seed Customer', ${text(this.passwordHash)}, ` +
          `${timeSql(`${this.start - 30 * DAY_MS} + seq * ${this.customerStep}`)} FROM ${serials(from, to)}`,
      });
    }
    return jobs;
  }

  /**
   * Each customer's cards, made here: a card's number is sealed under the server's key,
   * which MariaDB cannot do. VISA and MASTERCARD in turn, each number its own (a
   * Luhn-valid serial).
   */
  *cards(): Generator<Batch[]> {
    const total = this.sizes.customers * this.sizes.cardsPerCustomer;
    const fingerprintKeyId = this.keys.fingerprints.currentKeyId;
    const columns = ["id", "customerId", "selector", "kind", "institution", "brand", "last4", "expiryMonth", "expiryYear", "holderName", "status", "panCiphertext", "panKeyId", "panFingerprint", "panFingerprintKeyId", "createdAt"];
    for (let from = 0; from < total; from += BATCH_ROWS) {
      const rows: string[] = [];
      for (let n = from; n < Math.min(total, from + BATCH_ROWS); n++) {
        const c = n % this.sizes.cardsPerCustomer;
        const body = `${c % 2 === 0 ? "4" : "51"}${String(n).padStart(c % 2 === 0 ? 14 : 13, "0")}`;
        const pan = body + luhnCheckDigit(body);
        const sealed = this.keys.cards.seal(pan);
        const customerId = this.customerId(Math.floor(n / this.sizes.cardsPerCustomer));
        rows.push(
          `(${text(this.cardId(n))},${text(customerId)},'${c + 1}','CREDIT','Test Card Co.',${text(brandOf(pan))},${text(pan.slice(-4))},12,2031,'SEED CUSTOMER','AVAILABLE',` +
            `${text(sealed.ciphertext)},${text(sealed.keyId)},${text(this.keys.fingerprints.hash(pan))},${text(fingerprintKeyId)},${at(this.cardCreated(n))})`,
        );
      }
      yield [{ table: "cards", columns, rows }];
    }
  }
}
