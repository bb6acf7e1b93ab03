import { BILL_FIELDS, MEMBERSHIP_FIELDS, PAYMENT_FIELDS, PAYMENT_WITH_POINTS_FIELDS, WalletClient, type Bill, type CodeCard, type DateTime, type Membership, type Payment, type PaymentConnection, type ClientOptions } from "./common";
import { LiveConnection, type LiveFeed } from "./live";

export interface SaleInput {
  amount: number;
  currency: string;
  items?: Array<{ name: string; quantity: number; unitPrice: number }>;
  reference?: string;
}

export interface CodeLookup {
  kind: "PAYMENT" | "MEMBER" | "BILL" | "TICKET";
  expiresAt: DateTime;
  maxAmount: number | null;
  card: CodeCard | null;
  membership: Membership | null;
  bill: Bill | null;
}

export interface PointsResult {
  membership: Membership;
  pointsEarned: number;
  pointsRedeemed: number;
  discount: number;
}

/** A store terminal's client: look up and redeem payment codes, void and refund. */
export interface StoreReport {
  date: string;
  currency: string;
  paymentsApproved: number;
  amountApproved: number;
  amountRefunded: number;
  amountVoided: number;
  billsCollected: number;
  cashCollected: number;
  pointsIssued: number;
  pointsRedeemed: number;
}

export class RegisterClient extends WalletClient {
  /** The register's WebSocket, opened on the first subscription. */
  readonly live: LiveConnection;

  constructor(url: string, apiKey: string, options?: ClientOptions) {
    super(url, apiKey, options);
    this.live = new LiveConnection(url, () => this.credential);
  }

  /** Asks the customer's phone to confirm a sale on the card with this selector (no code). */
  async requestPayment(phone: string, cardSelector: string, sale: SaleInput, idempotencyKey: string): Promise<Payment> {
    const query = `mutation ($phone: String!, $selector: String!, $sale: SaleInput!, $key: String!) {
      requestPayment(phone: $phone, cardSelector: $selector, sale: $sale, idempotencyKey: $key) { ${PAYMENT_FIELDS} } }`;
    return (await this.request<{ requestPayment: Payment }>(query, { phone, selector: cardSelector, sale, key: idempotencyKey })).requestPayment;
  }

  /** Live: this store's payments the moment they are decided. */
  paymentUpdates(): LiveFeed<Payment> {
    return this.live.subscribe(`subscription { paymentUpdates { ${PAYMENT_FIELDS} } }`, (data) => data.paymentUpdates as Payment);
  }

  async lookupCode(code: string): Promise<CodeLookup> {
    const query = `query ($code: String!) { lookupCode(code: $code) { kind expiresAt maxAmount card { institution brand last4 } membership { ${MEMBERSHIP_FIELDS} } bill { ${BILL_FIELDS} } } }`;
    return (await this.request<{ lookupCode: CodeLookup }>(query, { code })).lookupCode;
  }

  /**
   * Charges the card behind a payment code. With a member code, the points are part of
   * the payment, all or nothing: `redeemPoints` are money off, the card pays the rest,
   * and points are earned on what the card paid.
   */
  async redeemCode(code: string, sale: SaleInput, idempotencyKey: string, points?: { memberCode: string; redeemPoints?: number }): Promise<Payment> {
    if (!points) {
      const query = `mutation ($code: String!, $sale: SaleInput!, $key: String!) {
      redeemCode(code: $code, sale: $sale, idempotencyKey: $key) { ${PAYMENT_FIELDS} } }`;
      return (await this.request<{ redeemCode: Payment }>(query, { code, sale, key: idempotencyKey })).redeemCode;
    }
    const query = `mutation ($code: String!, $sale: SaleInput!, $key: String!, $memberCode: String, $redeemPoints: Int) {
      redeemCode(code: $code, sale: $sale, idempotencyKey: $key, memberCode: $memberCode, redeemPoints: $redeemPoints) { ${PAYMENT_WITH_POINTS_FIELDS} } }`;
    const variables = { code, sale, key: idempotencyKey, memberCode: points.memberCode, redeemPoints: points.redeemPoints ?? 0 };
    return (await this.request<{ redeemCode: Payment }>(query, variables)).redeemCode;
  }

  /** Redeems points as money off, then earns on the rest; the member code is used up. */
  async settlePoints(memberCode: string, purchaseAmount: number, redeemPoints: number, idempotencyKey: string): Promise<PointsResult> {
    const query = `mutation ($code: String!, $amount: Int!, $points: Int, $key: String!) {
      settlePoints(memberCode: $code, purchaseAmount: $amount, redeemPoints: $points, idempotencyKey: $key) {
        membership { ${MEMBERSHIP_FIELDS} } pointsEarned pointsRedeemed discount } }`;
    return (await this.request<{ settlePoints: PointsResult }>(query, { code: memberCode, amount: purchaseAmount, points: redeemPoints, key: idempotencyKey }))
      .settlePoints;
  }

  /** The clerk took the money for a bill code: the bill becomes PAID here, once. */
  /** The store's day (YYYY-MM-DD, the store's time zone): payments, refunds, voids, bills, points. */
  async storeReport(date: string): Promise<StoreReport> {
    const query = `query ($date: String!) { storeReport(date: $date) {
      date currency paymentsApproved amountApproved amountRefunded amountVoided billsCollected cashCollected pointsIssued pointsRedeemed } }`;
    return (await this.request<{ storeReport: StoreReport }>(query, { date })).storeReport;
  }

  /** The bills this store collected on a calendar day (YYYY-MM-DD, the store's time zone): the cash hand-over. */
  async collectedBills(date: string): Promise<Bill[]> {
    const query = `query ($date: String!) { collectedBills(date: $date) { ${BILL_FIELDS} } }`;
    return (await this.request<{ collectedBills: Bill[] }>(query, { date })).collectedBills;
  }

  /** Undoes this store's mistaken cash collection, on the day it was made. */
  async reverseBillCollection(billId: string, idempotencyKey: string): Promise<Bill> {
    const query = `mutation ($billId: ID!, $key: String!) { reverseBillCollection(billId: $billId, idempotencyKey: $key) { ${BILL_FIELDS} } }`;
    return (await this.request<{ reverseBillCollection: Bill }>(query, { billId, key: idempotencyKey })).reverseBillCollection;
  }

  async collectBill(code: string, tender: "CASH" | "CARD", idempotencyKey: string): Promise<Bill> {
    const query = `mutation ($code: String!, $tender: Tender!, $key: String!) {
      collectBill(code: $code, tender: $tender, idempotencyKey: $key) { ${BILL_FIELDS} } }`;
    return (await this.request<{ collectBill: Bill }>(query, { code, tender, key: idempotencyKey })).collectBill;
  }

  async voidPayment(paymentId: string, idempotencyKey?: string): Promise<Payment> {
    const query = `mutation ($id: ID!, $key: String) { voidPayment(paymentId: $id, idempotencyKey: $key) { ${PAYMENT_WITH_POINTS_FIELDS} } }`;
    return (await this.request<{ voidPayment: Payment }>(query, { id: paymentId, key: idempotencyKey })).voidPayment;
  }

  /** Gives back `amount` of an approved sale, or all that is left when it is omitted. */
  async refundPayment(paymentId: string, idempotencyKey?: string, amount?: number): Promise<Payment> {
    const query = `mutation ($id: ID!, $amount: Int, $key: String) { refundPayment(paymentId: $id, amount: $amount, idempotencyKey: $key) { ${PAYMENT_WITH_POINTS_FIELDS} } }`;
    return (await this.request<{ refundPayment: Payment }>(query, { id: paymentId, amount, key: idempotencyKey })).refundPayment;
  }

  async payments(first = 20, after?: string | null): Promise<PaymentConnection> {
    const query = `query ($first: Int, $after: String) { payments(first: $first, after: $after) { nodes { ${PAYMENT_FIELDS} } nextCursor } }`;
    return (await this.request<{ payments: PaymentConnection }>(query, { first, after })).payments;
  }

  async payment(id: string): Promise<Payment | null> {
    const query = `query ($id: ID!) { payment(id: $id) { ${PAYMENT_WITH_POINTS_FIELDS} } }`;
    return (await this.request<{ payment: Payment | null }>(query, { id })).payment;
  }
}
