// graphql-request ships a CommonJS build under its "require" export, which is what this
// package's require() loads; its declarations are ESM only, so TypeScript's node16 check
// takes the require for one of an ES module (TS1479). The browser build imports it as ESM.
// @ts-ignore TS1479, as above (the other compiles of this file resolve it without error)
import { ClientError, GraphQLClient } from "graphql-request";
import { graphql, textOf, type AnyDocument, type ResultOf, type VariablesOf } from "./graphql";

/** A failure the server answered with: `code` is the contract's ErrorCode. */
export class WalletApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown>,
  ) {
    super(message);
    this.name = "WalletApiError";
  }
}

export interface ClientOptions {
  /** The HTTP transport; the platform's fetch when not given (the bench brings a leaner one). */
  fetch?: typeof fetch;
  /** The WebSocket class for live feeds; the platform's own when it has one, else the `ws` package. */
  webSocket?: unknown;
  /** How live feeds reconnect after the network drops (live.ts). */
  reconnect?: ReconnectOptions;
}

export interface ReconnectOptions {
  /** Reconnections tried in a row before a feed ends with the last error (default: no end). */
  attempts?: number;
  /** The first wait; each next one doubles, with random jitter (default 500 ms). */
  initialDelayMs?: number;
  /** The longest wait (default 30 s). */
  maxDelayMs?: number;
}

/** True when some field of T is typed `unknown`: a selected field schema.graphql does not have. */
type HasUnknown<T> = unknown extends T
  ? true
  : T extends readonly (infer E)[]
    ? HasUnknown<E>
    : T extends object
      ? { [K in keyof T]-?: HasUnknown<T[K]> }[keyof T] extends false
        ? false
        : true
      : false;

/** Refuses, at type-check time, a document that selects a field the schema does not have. */
export type KnownFields<D extends AnyDocument> = HasUnknown<ResultOf<D>> extends false ? unknown : { "selects a field that is not in schema.graphql": never };

/** The variables argument: optional when the document needs none. */
export type VariablesArgument<D extends AnyDocument> = {} extends VariablesOf<D> ? [variables?: VariablesOf<D>] : [variables: VariablesOf<D>];

/** The base of every wallet-center client: one endpoint, one bearer credential. */
export class WalletClient {
  protected credential: string | null;
  /**
   * Hears that the server refused this client's credential (UNAUTHENTICATED to a request
   * that carried one): the session ended elsewhere or expired. An app signs in again.
   */
  onCredentialRefused: ((error: WalletApiError) => void) | null = null;
  private readonly http: GraphQLClient;

  constructor(
    readonly url: string,
    credential?: string | null,
    readonly options: ClientOptions = {},
  ) {
    this.credential = credential ?? null;
    // The platform's fetch is looked up at each call, so a page or test that replaces it
    // later (a service worker shim, a recorder) is still used.
    this.http = new GraphQLClient(endpoint(url), { fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)) });
  }

  /**
   * Runs an operation: a typed document of these clients (result and variables typed from
   * schema.graphql), or any GraphQL text (result typed by the caller). Sent by
   * graphql-request as the text `textOf` makes (fragments written in place). Failures
   * become WalletApiError with the server's code (HTTP_<status> when it gave none).
   */
  async request<D extends AnyDocument>(document: D & KnownFields<D>, ...variables: VariablesArgument<D>): Promise<ResultOf<D>>;
  async request<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  async request(query: AnyDocument | string, variables?: Record<string, unknown>): Promise<unknown> {
    const requestHeaders: Record<string, string> = this.credential ? { authorization: `Bearer ${this.credential}` } : {};
    try {
      return await this.http.request<unknown>({ document: textOf(query), variables, requestHeaders });
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      const refused = walletApiError(error);
      if (refused.code === "UNAUTHENTICATED" && requestHeaders.authorization) this.onCredentialRefused?.(refused);
      throw refused;
    }
  }
}

/** The server's first error, with its contract code; a status alone when it sent no GraphQL result. */
function walletApiError(error: ClientError): WalletApiError {
  const { status, errors } = error.response;
  const first = errors?.[0];
  if (!first) return new WalletApiError(`HTTP_${status}`, `the server answered HTTP ${status} without a GraphQL result`, {});
  const extensions = (first.extensions ?? {}) as Record<string, unknown>;
  return new WalletApiError(String(extensions.code ?? `HTTP_${status}`), first.message ?? `HTTP ${status}`, extensions);
}

/** Accepts the server's base URL or its /graphql endpoint. */
export const endpoint = (url: string) => (url.endsWith("/graphql") ? url : `${url.replace(/\/$/, "")}/graphql`);

export type DateTime = string;

export const PaymentFields = graphql(`
  fragment PaymentFields on Payment {
    id status amount currency items { name quantity unitPrice } storeName
    card { institution brand last4 } approvalNumber declineReason reference createdAt decidedAt customerNumber refundedAmount
    authorizedAmount capturedAt
  }
`);

/**
 * A payment's signed receipt (docs/books.md), as the canonical JSON a QR carries: selected
 * only where someone shows or keeps it (the phone's history, the register's sale), as
 * each payment's receipt is a read of its own.
 */
export const PaymentReceiptFields = graphql(`fragment PaymentReceiptFields on Payment { receipt { json } }`);
export type PaymentReceipt = ResultOf<typeof PaymentReceiptFields>["receipt"];

/** `receipt` is there when the query selected PaymentReceiptFields. */
export type Payment = ResultOf<typeof PaymentFields> & { receipt?: PaymentReceipt };
export type PaymentStatus = Payment["status"];
export type CodeCard = Payment["card"];

/** A payment with the points that came with it: for the calls that may have moved some (not a plain redeem's). */
export const PaymentWithPointsFields = graphql(
  `
  fragment PaymentWithPointsFields on Payment {
    ...PaymentFields
    points { membership { memberNumber points } pointsEarned pointsRedeemed discount pointsReturned pointsTakenBack shortfall }
  }
`,
  [PaymentFields],
);
export type PaymentWithPoints = ResultOf<typeof PaymentWithPointsFields>;
/** Points moved with a payment, and what its refunds reversed since. */
export type PaymentPoints = NonNullable<PaymentWithPoints["points"]>;

export const PaymentConnectionFields = graphql(
  `
  fragment PaymentConnectionFields on PaymentConnection { nodes { ...PaymentFields } nextCursor }
`,
  [PaymentFields],
);

/** A page of payments; each carries its `receipt` where the query selected it. */
export type PaymentConnection = Omit<ResultOf<typeof PaymentConnectionFields>, "nodes"> & { nodes: Payment[] };

export const OfferFields = graphql(`fragment OfferFields on Offer { id title description validUntil }`);

export type Offer = ResultOf<typeof OfferFields>;

export const MembershipFields = graphql(
  `
  fragment MembershipFields on Membership {
    memberNumber programName programId points pointsExpiringSoon nextExpiry offers { ...OfferFields } lookupAllowed
  }
`,
  [OfferFields],
);

export type Membership = ResultOf<typeof MembershipFields>;

export const BillFields = graphql(`
  fragment BillFields on Bill { id reference billerName amount currency description dueDate status paidAt paidAtStore tender }
`);

export type Bill = ResultOf<typeof BillFields>;
export type BillStatus = Bill["status"];

/** A bill with the card payment paying it or that paid it (collectBill by card answers with the one it made). */
export const BillWithPaymentFields = graphql(`fragment BillWithPaymentFields on Bill { ...BillFields payment { ...PaymentFields } }`, [BillFields, PaymentFields]);
export type BillWithPayment = ResultOf<typeof BillWithPaymentFields>;
