import {
  BillFields,
  BillWithPaymentFields,
  MembershipFields,
  PaymentConnectionFields,
  PaymentFields,
  PaymentReceiptFields,
  PaymentWithPointsFields,
  WalletClient,
  type Bill,
  type BillWithPayment,
  type ClientOptions,
  type Membership,
  type Payment,
  type PaymentConnection,
  type PaymentWithPoints,
} from "./common";
import { graphql, type ResultOf, type VariablesOf } from "./graphql";
import { LiveConnection, type LiveFeed } from "./live";
import type { SignedReceipt } from "./wire/receipt";
import {
  Events,
  RedeliverEvent,
  SearchPayments,
  StorePayouts,
  StorePayoutsExport,
  type PaymentSearch,
  type PayoutFormat,
  type StorePayout,
  type WebhookEvent,
  type WebhookEventPage,
} from "./merchant";

const RequestPayment = graphql(
  `mutation RequestPayment($phone: String!, $selector: String!, $sale: SaleInput!, $key: String!) {
    requestPayment(phone: $phone, cardSelector: $selector, sale: $sale, idempotencyKey: $key) { ...PaymentFields } }`,
  [PaymentFields],
);
export type SaleInput = VariablesOf<typeof RequestPayment>["sale"];
const PaymentUpdates = graphql(`subscription PaymentUpdates { paymentUpdates { ...PaymentFields ...PaymentReceiptFields } }`, [PaymentFields, PaymentReceiptFields]);
const LookupCode = graphql(
  `query LookupCode($code: String!) {
    lookupCode(code: $code) { kind expiresAt maxAmount card { institution brand last4 } membership { ...MembershipFields } bill { ...BillFields } } }`,
  [MembershipFields, BillFields],
);
export type CodeLookup = ResultOf<typeof LookupCode>["lookupCode"];
const RedeemCode = graphql(
  `mutation RedeemCode($code: String!, $sale: SaleInput!, $key: String!) { redeemCode(code: $code, sale: $sale, idempotencyKey: $key) { ...PaymentFields ...PaymentReceiptFields } }`,
  [PaymentFields, PaymentReceiptFields],
);
const RedeemCodeWithPoints = graphql(
  `mutation RedeemCodeWithPoints($code: String!, $sale: SaleInput!, $key: String!, $memberCode: String, $redeemPoints: Int) {
    redeemCode(code: $code, sale: $sale, idempotencyKey: $key, memberCode: $memberCode, redeemPoints: $redeemPoints) { ...PaymentWithPointsFields ...PaymentReceiptFields } }`,
  [PaymentWithPointsFields, PaymentReceiptFields],
);
const SettlePoints = graphql(
  `mutation SettlePoints($code: String!, $amount: Int!, $points: Int, $key: String!) {
    settlePoints(memberCode: $code, purchaseAmount: $amount, redeemPoints: $points, idempotencyKey: $key) {
      membership { ...MembershipFields } pointsEarned pointsRedeemed discount } }`,
  [MembershipFields],
);
export type PointsResult = ResultOf<typeof SettlePoints>["settlePoints"];
const LookupMember = graphql(
  `query LookupMember($customerNumber: String, $phone: String) { lookupMember(customerNumber: $customerNumber, phone: $phone) { ...MembershipFields } }`,
  [MembershipFields],
);
const EarnPoints = graphql(
  `mutation EarnPoints($memberNumber: String!, $amount: Int!, $key: String!) {
    earnPoints(memberNumber: $memberNumber, purchaseAmount: $amount, idempotencyKey: $key) {
      membership { ...MembershipFields } pointsEarned pointsRedeemed discount } }`,
  [MembershipFields],
);
const CollectBill = graphql(
  `mutation CollectBill($code: String!, $tender: Tender!, $key: String!, $paymentCode: String) {
    collectBill(code: $code, tender: $tender, idempotencyKey: $key, paymentCode: $paymentCode) { ...BillWithPaymentFields } }`,
  [BillWithPaymentFields],
);
export type Tender = VariablesOf<typeof CollectBill>["tender"];
const StoreReportQuery = graphql(`
  query StoreReport($date: String!) {
    storeReport(date: $date) { date currency paymentsApproved amountApproved amountRefunded amountVoided billsCollected cashCollected pointsIssued pointsRedeemed pointsReturned pointsTakenBack } }
`);
export type StoreReport = ResultOf<typeof StoreReportQuery>["storeReport"];
const MyStore = graphql(`query MyStore { myStore { id name currency timeZone } }`);
export type MyStore = ResultOf<typeof MyStore>["myStore"];
const CollectedBills = graphql(`query CollectedBills($date: String!) { collectedBills(date: $date) { ...BillFields } }`, [BillFields]);
const ReverseBillCollection = graphql(
  `mutation ReverseBillCollection($billId: ID!, $key: String!) { reverseBillCollection(billId: $billId, idempotencyKey: $key) { ...BillFields } }`,
  [BillFields],
);
const VoidPayment = graphql(`mutation VoidPayment($id: ID!, $key: String) { voidPayment(paymentId: $id, idempotencyKey: $key) { ...PaymentWithPointsFields } }`, [
  PaymentWithPointsFields,
]);
const RefundPayment = graphql(
  `mutation RefundPayment($id: ID!, $amount: Int, $key: String) { refundPayment(paymentId: $id, amount: $amount, idempotencyKey: $key) { ...PaymentWithPointsFields } }`,
  [PaymentWithPointsFields],
);
const RedeemCodeCaptureLater = graphql(
  `mutation RedeemCodeCaptureLater($code: String!, $sale: SaleInput!, $key: String!) {
    redeemCode(code: $code, sale: $sale, idempotencyKey: $key, capture: false) { ...PaymentFields ...PaymentReceiptFields } }`,
  [PaymentFields, PaymentReceiptFields],
);
const CapturePayment = graphql(
  `mutation CapturePayment($id: ID!, $amount: Int, $key: String) { capturePayment(paymentId: $id, amount: $amount, idempotencyKey: $key) { ...PaymentWithPointsFields } }`,
  [PaymentWithPointsFields],
);
const ReleaseAuthorization = graphql(
  `mutation ReleaseAuthorization($id: ID!, $key: String) { releaseAuthorization(paymentId: $id, idempotencyKey: $key) { ...PaymentWithPointsFields } }`,
  [PaymentWithPointsFields],
);
const Payments = graphql(
  `query Payments($first: Int, $after: String) { payments(first: $first, after: $after) { ...PaymentConnectionFields } }`,
  [PaymentConnectionFields],
);
const PaymentById = graphql(`query Payment($id: ID!) { payment(id: $id) { ...PaymentWithPointsFields } }`, [PaymentWithPointsFields]);
const PaymentReceipt = graphql(`query PaymentReceipt($id: ID!) { payment(id: $id) { receipt { json } } }`);

/** A store terminal's client: look up and redeem payment codes, void and refund. */
export class RegisterClient extends WalletClient {
  /** The register's WebSocket, opened on the first subscription. */
  readonly live: LiveConnection;

  constructor(url: string, apiKey: string, options?: ClientOptions) {
    super(url, apiKey, options);
    this.live = new LiveConnection(url, () => this.credential, options);
  }

  /** Asks the customer's phone to confirm a sale on the card with this selector (no code). */
  async requestPayment(phone: string, cardSelector: string, sale: SaleInput, idempotencyKey: string): Promise<Payment> {
    return (await this.request(RequestPayment, { phone, selector: cardSelector, sale, key: idempotencyKey })).requestPayment;
  }

  /** Live: this store's payments the moment they are decided, each with its receipt. */
  paymentUpdates(): LiveFeed<Payment> {
    return this.live.subscribe(PaymentUpdates, (data): Payment => data.paymentUpdates);
  }

  async lookupCode(code: string): Promise<CodeLookup> {
    return (await this.request(LookupCode, { code })).lookupCode;
  }

  /**
   * Charges the card behind a payment code. With a member code, the points are part of
   * the payment, all or nothing: `redeemPoints` are money off, the card pays the rest,
   * and points are earned on what the card paid.
   */
  async redeemCode(code: string, sale: SaleInput, idempotencyKey: string): Promise<Payment>;
  async redeemCode(code: string, sale: SaleInput, idempotencyKey: string, points: { memberCode: string; redeemPoints?: number }): Promise<PaymentWithPoints>;
  async redeemCode(code: string, sale: SaleInput, idempotencyKey: string, points?: { memberCode: string; redeemPoints?: number }): Promise<Payment | PaymentWithPoints> {
    if (!points) return (await this.request(RedeemCode, { code, sale, key: idempotencyKey })).redeemCode;
    const variables = { code, sale, key: idempotencyKey, memberCode: points.memberCode, redeemPoints: points.redeemPoints ?? 0 };
    return (await this.request(RedeemCodeWithPoints, variables)).redeemCode;
  }

  /** Redeems points as money off, then earns on the rest; the member code is used up. */
  /**
   * A member of the store's program who lets registers find them, by the store's customer
   * number (from a receipt) or by phone number: NOT_FOUND for anyone else, alike.
   */
  async lookupMember(by: { customerNumber: string } | { phone: string }): Promise<Membership> {
    const variables = "customerNumber" in by ? { customerNumber: by.customerNumber, phone: null } : { customerNumber: null, phone: by.phone };
    return (await this.request(LookupMember, variables)).lookupMember;
  }

  /** Points earned on a purchase by a member found with lookupMember (redeeming takes the member code). */
  async earnPoints(memberNumber: string, purchaseAmount: number, idempotencyKey: string): Promise<PointsResult> {
    return (await this.request(EarnPoints, { memberNumber, amount: purchaseAmount, key: idempotencyKey })).earnPoints;
  }

  async settlePoints(memberCode: string, purchaseAmount: number, redeemPoints: number, idempotencyKey: string): Promise<PointsResult> {
    return (await this.request(SettlePoints, { code: memberCode, amount: purchaseAmount, points: redeemPoints, key: idempotencyKey })).settlePoints;
  }

  /** This register's store: its name, currency and time zone, as the server holds them. */
  async myStore(): Promise<MyStore> {
    return (await this.request(MyStore)).myStore;
  }

  /** The store's day (YYYY-MM-DD, the store's time zone): payments, refunds, voids, bills, points. */
  async storeReport(date: string): Promise<StoreReport> {
    return (await this.request(StoreReportQuery, { date })).storeReport;
  }

  /** This store's payments by reference, statuses, amount and time range, newest first, `first` at a time after a cursor. */
  async searchPayments(filter: PaymentSearch = {}, first?: number, after?: string): Promise<PaymentConnection> {
    return (await this.request(SearchPayments, { filter, first, after })).searchPayments;
  }

  /** What the center owes this store per day (YYYY-MM-DD, its time zone, both included) and card institution. */
  async storePayouts(from: string, to: string): Promise<StorePayout[]> {
    return (await this.request(StorePayouts, { from, to })).storePayouts;
  }

  /** The payouts as a CSV or JSON file's text. */
  async storePayoutsExport(from: string, to: string, format: PayoutFormat): Promise<string> {
    return (await this.request(StorePayoutsExport, { from, to, format })).storePayoutsExport;
  }

  /** The webhooks sent to this store's back office, newest first, to catch up from. */
  async events(options: { first?: number; after?: string; types?: string[] } = {}): Promise<WebhookEventPage> {
    return (await this.request(Events, options)).events;
  }

  /** Sends one of this store's events again: the same id and body. */
  async redeliverEvent(id: string): Promise<WebhookEvent> {
    return (await this.request(RedeliverEvent, { id })).redeliverEvent;
  }

  /** The bills this store collected on a calendar day (YYYY-MM-DD, the store's time zone): the cash hand-over. */
  async collectedBills(date: string): Promise<Bill[]> {
    return (await this.request(CollectedBills, { date })).collectedBills;
  }

  /** Undoes this store's mistaken cash collection, on the day it was made. */
  async reverseBillCollection(billId: string, idempotencyKey: string): Promise<Bill> {
    return (await this.request(ReverseBillCollection, { billId, key: idempotencyKey })).reverseBillCollection;
  }

  /** The clerk took the money for a bill code: the bill becomes PAID here, once. */
  /**
   * CASH: the bill is PAID here. CARD: `paymentCode` (the customer's payment code) is
   * charged the bill's amount; the bill is PAID once `payment` is APPROVED (at once, or
   * when the customer confirms on the phone: paymentUpdates tells).
   */
  async collectBill(code: string, tender: Tender, idempotencyKey: string, paymentCode?: string): Promise<BillWithPayment> {
    return (await this.request(CollectBill, { code, tender, key: idempotencyKey, paymentCode })).collectBill;
  }

  async voidPayment(paymentId: string, idempotencyKey?: string): Promise<PaymentWithPoints> {
    return (await this.request(VoidPayment, { id: paymentId, key: idempotencyKey })).voidPayment;
  }

  /** Authorize now, capture later: the payment ends AUTHORIZED (or DECLINED); capture or release it later. */
  async authorizeCode(code: string, sale: SaleInput, idempotencyKey: string): Promise<Payment> {
    return (await this.request(RedeemCodeCaptureLater, { code, sale, key: idempotencyKey })).redeemCode;
  }

  /** Makes the sale of an AUTHORIZED payment for `amount` (at most what was authorized), or all of it when omitted. */
  async capturePayment(paymentId: string, idempotencyKey?: string, amount?: number): Promise<PaymentWithPoints> {
    return (await this.request(CapturePayment, { id: paymentId, amount, key: idempotencyKey })).capturePayment;
  }

  /** Lets an AUTHORIZED payment go uncharged (RELEASED). */
  async releaseAuthorization(paymentId: string, idempotencyKey?: string): Promise<PaymentWithPoints> {
    return (await this.request(ReleaseAuthorization, { id: paymentId, key: idempotencyKey })).releaseAuthorization;
  }

  /** Gives back `amount` of an approved sale, or all that is left when it is omitted. */
  async refundPayment(paymentId: string, idempotencyKey?: string, amount?: number): Promise<PaymentWithPoints> {
    return (await this.request(RefundPayment, { id: paymentId, amount, key: idempotencyKey })).refundPayment;
  }

  async payments(first = 20, after?: string | null): Promise<PaymentConnection> {
    return (await this.request(Payments, { first, after })).payments;
  }

  /** A payment's latest signed receipt, as the store keeps it (check it with BooksClient); null while it waits for the phone. */
  async paymentReceipt(id: string): Promise<SignedReceipt | null> {
    const { payment } = await this.request(PaymentReceipt, { id });
    return payment?.receipt ? (JSON.parse(payment.receipt.json) as SignedReceipt) : null;
  }

  async payment(id: string): Promise<PaymentWithPoints | null> {
    return (await this.request(PaymentById, { id })).payment;
  }
}
