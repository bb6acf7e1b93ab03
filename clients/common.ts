import { ClientError, GraphQLClient } from "graphql-request";

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
}

/** The base of every wallet-center client: one endpoint, one bearer credential. */
export class WalletClient {
  protected readonly http: GraphQLClient;
  protected credential: string | null;

  constructor(
    readonly url: string,
    credential?: string | null,
    readonly options: ClientOptions = {},
  ) {
    this.credential = credential ?? null;
    this.http = new GraphQLClient(endpoint(url), {
      headers: () => (this.credential ? { authorization: `Bearer ${this.credential}` } : ({} as Record<string, string>)),
      // Not parsed on every request only to name the operation: each document holds one,
      // and the server names it from the document itself.
      excludeOperationName: true,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** Runs any operation; failures become WalletApiError with the server's code. */
  async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    try {
      return await this.http.request<T>(query, variables);
    } catch (error) {
      if (error instanceof ClientError) {
        const first = error.response.errors?.[0];
        const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
        throw new WalletApiError(String(extensions.code ?? `HTTP_${error.response.status}`), first?.message ?? error.message, extensions);
      }
      throw error;
    }
  }
}

/** Accepts the server's base URL or its /graphql endpoint. */
export const endpoint = (url: string) => (url.endsWith("/graphql") ? url : `${url.replace(/\/$/, "")}/graphql`);

export type DateTime = string;

export interface CodeCard {
  institution: string;
  brand: string;
  last4: string;
}

export type PaymentStatus =
  | "PROCESSING"
  | "PENDING_CONFIRMATION"
  | "APPROVED"
  | "DECLINED"
  | "REJECTED_BY_CUSTOMER"
  | "EXPIRED"
  | "VOIDED"
  | "PARTIALLY_REFUNDED"
  | "REFUNDED";

export interface Payment {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  items: Array<{ name: string; quantity: number; unitPrice: number }>;
  storeName: string;
  card: CodeCard;
  approvalNumber: string | null;
  declineReason: string | null;
  reference: string | null;
  createdAt: DateTime;
  decidedAt: DateTime | null;
  /** Ten digits the register shows for the customer; never the phone number. */
  customerNumber: string | null;
  /** Sum of refunds so far; never above amount. */
  refundedAmount: number;
  /**
   * When a member code came with the payment: the points it moved. Asked for by the calls
   * that may move points (PAYMENT_WITH_POINTS_FIELDS); absent from the others' answers.
   */
  points?: PaymentPoints | null;
}

/** Points moved with a payment, and what its refunds reversed since. */
export interface PaymentPoints {
  membership: { memberNumber: string; points: number };
  pointsEarned: number;
  pointsRedeemed: number;
  discount: number;
  pointsReturned: number;
  pointsTakenBack: number;
  shortfall: number;
}

export interface PaymentConnection {
  nodes: Payment[];
  nextCursor: string | null;
}

export const PAYMENT_FIELDS = `
  id status amount currency items { name quantity unitPrice } storeName
  card { institution brand last4 } approvalNumber declineReason reference createdAt decidedAt customerNumber refundedAmount
`;

/** A payment with the points that came with it: for the calls that may have moved some (not a plain redeem's). */
export const PAYMENT_WITH_POINTS_FIELDS = `${PAYMENT_FIELDS}
  points { membership { memberNumber points } pointsEarned pointsRedeemed discount pointsReturned pointsTakenBack shortfall }
`;

export interface Offer {
  id: string;
  title: string;
  description: string;
  validUntil: DateTime | null;
}

export interface Membership {
  memberNumber: string;
  programName: string;
  programId: string;
  points: number;
  pointsExpiringSoon: number;
  nextExpiry: DateTime | null;
  offers: Offer[];
}

export const MEMBERSHIP_FIELDS = `memberNumber programName programId points pointsExpiringSoon nextExpiry offers { id title description validUntil }`;

export type BillStatus = "OPEN" | "PAID" | "CANCELLED" | "OVERDUE";

export interface Bill {
  id: string;
  reference: string;
  billerName: string;
  amount: number;
  currency: string;
  description: string | null;
  dueDate: DateTime;
  status: BillStatus;
  paidAt: DateTime | null;
  paidAtStore: string | null;
  tender: "CASH" | "CARD" | null;
}

export const BILL_FIELDS = `id reference billerName amount currency description dueDate status paidAt paidAtStore tender`;
