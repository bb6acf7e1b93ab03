import { BILL_FIELDS, MEMBERSHIP_FIELDS, PAYMENT_FIELDS, PAYMENT_WITH_POINTS_FIELDS, WalletClient, type Bill, type BillStatus, type CodeCard, type DateTime, type Membership, type Payment, type PaymentConnection, type ClientOptions } from "./common";
import { approvalVariables, type DeviceKey } from "./device-key";
import { LiveConnection, type LiveFeed } from "./live";
import { TICKET_FIELDS, TICKET_HISTORY_FIELDS, type Ticket, type TicketHistory } from "./tickets";

export interface Customer {
  id: string;
  phone: string;
  name: string;
  confirmAbove: number | null;
}

export type CardKind = "CREDIT" | "DEBIT" | "BANK";
export type CardStatus = "AVAILABLE" | "NOT_AVAILABLE";

export interface Card extends CodeCard {
  id: string;
  selector: string;
  kind: CardKind;
  expiryMonth: number;
  expiryYear: number;
  label: string | null;
  status: CardStatus;
}

export interface AddCardInput {
  pan: string;
  expiryMonth: number;
  expiryYear: number;
  holderName: string;
  kind: CardKind;
  institution: string;
  label?: string | null;
}

export interface ConfirmationRequest {
  id: string;
  expiresAt: DateTime;
  payment: Payment;
}

export interface Message {
  id: string;
  title: string;
  body: string;
  sentAt: DateTime;
  read: boolean;
}

export interface IssuedCode {
  code: string;
  kind: "PAYMENT" | "MEMBER" | "BILL" | "TICKET";
  expiresAt: DateTime;
  /** Present when asked for (the default is SVG only). */
  qrSvg?: string;
  qrPng?: string;
}

/** Which QR images to have drawn with a code: the PNG costs the server most. */
export type QrImages = "svg" | "png" | "both" | "none";

const issuedFields = (images: QrImages) =>
  `code kind expiresAt${images === "svg" || images === "both" ? " qrSvg" : ""}${images === "png" || images === "both" ? " qrPng" : ""}`;

export interface Device {
  id: string;
  name: string;
  algorithm: "Ed25519" | "ES256";
  createdAt: DateTime;
  lastUsedAt: DateTime | null;
  revokedAt: DateTime | null;
  /** What its offline payment tokens may pay in any 24 hours; null: the operator's maximum. */
  offlineMaxAmount: number | null;
  offlineMaxCount: number | null;
}

/** The password, or a registered DeviceKey that signs a proof instead (clients/device-key.ts). */
export type Approval = string | DeviceKey;

const CUSTOMER = "id phone name confirmAbove";
const DEVICE = "id name algorithm createdAt lastUsedAt revokedAt offlineMaxAmount offlineMaxCount";
const CARD = "id selector kind institution brand last4 expiryMonth expiryYear label status";

/** The phone app's client: log in, manage the wallet's cards, get payment codes, read history. */
export class PhoneClient extends WalletClient {
  /** The phone's WebSocket, opened on the first subscription with the current session. */
  readonly live: LiveConnection;

  constructor(url: string, sessionToken?: string, options?: ClientOptions) {
    super(url, sessionToken, options);
    this.live = new LiveConnection(url, () => this.credential);
  }

  get token(): string | null {
    return this.credential;
  }

  async login(phone: string, password: string): Promise<{ token: string; expiresAt: DateTime; customer: Customer }> {
    const { login } = await this.request<{ login: { token: string; expiresAt: DateTime; customer: Customer } }>(
      `mutation ($phone: String!, $password: String!) { login(phone: $phone, password: $password) { token expiresAt customer { ${CUSTOMER} } } }`,
      { phone, password },
    );
    this.credential = login.token;
    return login;
  }

  /** Asks for a sign-up code by SMS; true whether or not the number is enrolled. */
  async startSignUp(phone: string): Promise<boolean> {
    const { startSignUp } = await this.request<{ startSignUp: boolean }>(`mutation ($phone: String!) { startSignUp(phone: $phone) }`, { phone });
    return startSignUp;
  }

  /** Enrolls with the code the SMS brought, and logs in: this client then acts as the new customer. */
  async completeSignUp(input: { phone: string; code: string; name: string; password: string }): Promise<{ token: string; expiresAt: DateTime; customer: Customer }> {
    const { completeSignUp } = await this.request<{ completeSignUp: { token: string; expiresAt: DateTime; customer: Customer } }>(
      `mutation ($phone: String!, $code: String!, $name: String!, $password: String!) {
        completeSignUp(phone: $phone, code: $code, name: $name, password: $password) { token expiresAt customer { ${CUSTOMER} } } }`,
      input,
    );
    this.credential = completeSignUp.token;
    return completeSignUp;
  }

  async logout(): Promise<boolean> {
    const { logout } = await this.request<{ logout: boolean }>(`mutation { logout }`);
    this.credential = null;
    return logout;
  }

  async me(): Promise<Customer> {
    return (await this.request<{ me: Customer }>(`{ me { ${CUSTOMER} } }`)).me;
  }

  async addCard(input: AddCardInput): Promise<Card> {
    const query = `mutation ($input: AddCardInput!) { addCard(input: $input) { ${CARD} } }`;
    return (await this.request<{ addCard: Card }>(query, { input })).addCard;
  }

  async cards(): Promise<Card[]> {
    return (await this.request<{ cards: Card[] }>(`{ cards { ${CARD} } }`)).cards;
  }

  async setCardStatus(cardId: string, status: CardStatus, password: string): Promise<Card> {
    const query = `mutation ($cardId: ID!, $status: CardStatus!, $password: String!) {
      setCardStatus(cardId: $cardId, status: $status, password: $password) { ${CARD} } }`;
    return (await this.request<{ setCardStatus: Card }>(query, { cardId, status, password })).setCardStatus;
  }

  async issuePaymentCode(cardId: string, approval: Approval, maxAmount?: number | null, images: QrImages = "svg"): Promise<IssuedCode> {
    const query = `mutation ($cardId: ID!, $password: String, $maxAmount: Int, $proof: DeviceProofInput) {
      issuePaymentCode(cardId: $cardId, password: $password, maxAmount: $maxAmount, proof: $proof) { ${issuedFields(images)} } }`;
    const approved = await approvalVariables(approval, "issuePaymentCode", { cardId, maxAmount });
    return (await this.request<{ issuePaymentCode: IssuedCode }>(query, { cardId, maxAmount, ...approved })).issuePaymentCode;
  }

  async payments(first = 20, after?: string | null): Promise<PaymentConnection> {
    const query = `query ($first: Int, $after: String) { payments(first: $first, after: $after) { nodes { ${PAYMENT_FIELDS} } nextCursor } }`;
    return (await this.request<{ payments: PaymentConnection }>(query, { first, after })).payments;
  }

  async setConfirmAbove(amount: number | null): Promise<Customer> {
    const query = `mutation ($amount: Int) { setConfirmAbove(amount: $amount) { ${CUSTOMER} } }`;
    return (await this.request<{ setConfirmAbove: Customer }>(query, { amount })).setConfirmAbove;
  }

  async respondToConfirmation(requestId: string, approve: boolean, approval: Approval): Promise<Payment> {
    const query = `mutation ($requestId: ID!, $approve: Boolean!, $password: String, $proof: DeviceProofInput) {
      respondToConfirmation(requestId: $requestId, approve: $approve, password: $password, proof: $proof) { ${PAYMENT_WITH_POINTS_FIELDS} } }`;
    const approved = await approvalVariables(approval, "respondToConfirmation", { requestId, approve });
    return (await this.request<{ respondToConfirmation: Payment }>(query, { requestId, approve, ...approved })).respondToConfirmation;
  }

  async pendingConfirmations(): Promise<ConfirmationRequest[]> {
    const query = `{ pendingConfirmations { id expiresAt payment { ${PAYMENT_FIELDS} } } }`;
    return (await this.request<{ pendingConfirmations: ConfirmationRequest[] }>(query)).pendingConfirmations;
  }

  /** Live: the server asks this phone to confirm a payment. */
  confirmationRequests(): LiveFeed<ConfirmationRequest> {
    return this.live.subscribe(
      `subscription { confirmationRequests { id expiresAt payment { ${PAYMENT_FIELDS} } } }`,
      (data) => data.confirmationRequests as ConfirmationRequest,
    );
  }

  /** Live: this customer's payments as they change. */
  paymentUpdates(): LiveFeed<Payment> {
    return this.live.subscribe(`subscription { paymentUpdates { ${PAYMENT_FIELDS} } }`, (data) => data.paymentUpdates as Payment);
  }

  /** Bills posted for this phone number, also those posted before the customer enrolled. */
  async bills(status?: BillStatus): Promise<Bill[]> {
    const query = `query ($status: BillStatus) { bills(status: $status) { ${BILL_FIELDS} } }`;
    return (await this.request<{ bills: Bill[] }>(query, { status })).bills;
  }

  async issueBillCode(billId: string, approval: Approval, images: QrImages = "svg"): Promise<IssuedCode> {
    const query = `mutation ($billId: ID!, $password: String, $proof: DeviceProofInput) {
      issueBillCode(billId: $billId, password: $password, proof: $proof) { ${issuedFields(images)} } }`;
    const approved = await approvalVariables(approval, "issueBillCode", { billId });
    return (await this.request<{ issueBillCode: IssuedCode }>(query, { billId, ...approved })).issueBillCode;
  }

  /** Tickets this phone number holds now (also those allotted to it by a friend). */
  async tickets(): Promise<Ticket[]> {
    return (await this.request<{ tickets: Ticket[] }>(`{ tickets { ${TICKET_FIELDS} } }`)).tickets;
  }

  async issueTicketCode(ticketId: string, approval: Approval, images: QrImages = "svg"): Promise<IssuedCode> {
    const query = `mutation ($ticketId: ID!, $password: String, $proof: DeviceProofInput) {
      issueTicketCode(ticketId: $ticketId, password: $password, proof: $proof) { ${issuedFields(images)} } }`;
    const approved = await approvalVariables(approval, "issueTicketCode", { ticketId });
    return (await this.request<{ issueTicketCode: IssuedCode }>(query, { ticketId, ...approved })).issueTicketCode;
  }

  /**
   * A rotating ticket bound to `key` (a registered device): show `rotatingTicketCode(credential, key)`
   * (clients/device-key.ts), a new one every `periodSeconds`, until `expiresAt`; no need to ask again.
   */
  async issueRotatingTicket(ticketId: string, key: DeviceKey): Promise<{ credential: string; periodSeconds: number; expiresAt: DateTime }> {
    const query = `mutation ($ticketId: ID!, $proof: DeviceProofInput!) {
      issueRotatingTicket(ticketId: $ticketId, proof: $proof) { credential periodSeconds expiresAt } }`;
    type Rotating = { credential: string; periodSeconds: number; expiresAt: DateTime };
    return (await this.request<{ issueRotatingTicket: Rotating }>(query, { ticketId, proof: await key.prove("issueRotatingTicket", { ticketId }) }))
      .issueRotatingTicket;
  }

  /** The tickets held now, with their uses and allotments (the giver's number masked). */
  async ticketHistories(): Promise<TicketHistory[]> {
    return (await this.request<{ tickets: TicketHistory[] }>(`{ tickets { ${TICKET_HISTORY_FIELDS} } }`)).tickets;
  }

  /** Takes back the ticket this phone allotted last, until it is used: the friend's codes stop working. */
  async takeBackTicket(ticketId: string): Promise<TicketHistory> {
    const query = `mutation ($ticketId: ID!) { takeBackTicket(ticketId: $ticketId) { ${TICKET_HISTORY_FIELDS} } }`;
    return (await this.request<{ takeBackTicket: TicketHistory }>(query, { ticketId })).takeBackTicket;
  }

  async allotTicket(ticketId: string, toPhone: string): Promise<Ticket> {
    const query = `mutation ($ticketId: ID!, $toPhone: String!) { allotTicket(ticketId: $ticketId, toPhone: $toPhone) { ${TICKET_FIELDS} } }`;
    return (await this.request<{ allotTicket: Ticket }>(query, { ticketId, toPhone })).allotTicket;
  }

  async joinProgram(programId: string): Promise<Membership> {
    const query = `mutation ($programId: ID!) { joinProgram(programId: $programId) { ${MEMBERSHIP_FIELDS} } }`;
    return (await this.request<{ joinProgram: Membership }>(query, { programId })).joinProgram;
  }

  async memberships(): Promise<Membership[]> {
    return (await this.request<{ memberships: Membership[] }>(`{ memberships { ${MEMBERSHIP_FIELDS} } }`)).memberships;
  }

  async issueMemberCode(programId: string, approval: Approval, images: QrImages = "svg"): Promise<IssuedCode> {
    const query = `mutation ($programId: ID!, $password: String, $proof: DeviceProofInput) {
      issueMemberCode(programId: $programId, password: $password, proof: $proof) { ${issuedFields(images)} } }`;
    const approved = await approvalVariables(approval, "issueMemberCode", { programId });
    return (await this.request<{ issueMemberCode: IssuedCode }>(query, { programId, ...approved })).issueMemberCode;
  }

  async messages(): Promise<Message[]> {
    return (await this.request<{ messages: Message[] }>(`{ messages { id title body sentAt read } }`)).messages;
  }

  async markMessageRead(id: string): Promise<Message> {
    const query = `mutation ($id: ID!) { markMessageRead(id: $id) { id title body sentAt read } }`;
    return (await this.request<{ markMessageRead: Message }>(query, { id })).markMessageRead;
  }

  /** Live: direct mail from the programs this customer belongs to. */
  messagesLive(): LiveFeed<Message> {
    return this.live.subscribe(`subscription { messages { id title body sentAt read } }`, (data) => data.messages as Message);
  }

  /** Registers the key's public half (the password is asked once) and names the key with its device id. */
  async registerDevice(key: DeviceKey, name: string, password: string): Promise<Device> {
    const query = `mutation ($name: String!, $publicKey: String!, $password: String!) {
      registerDevice(name: $name, publicKey: $publicKey, password: $password) { ${DEVICE} } }`;
    const { registerDevice } = await this.request<{ registerDevice: Device }>(query, { name, publicKey: key.publicKey, password });
    key.deviceId = registerDevice.id;
    return registerDevice;
  }

  async devices(): Promise<Device[]> {
    return (await this.request<{ devices: Device[] }>(`{ devices { ${DEVICE} } }`)).devices;
  }

  /** From any session of the customer: the device's proofs are refused from now on. */
  async revokeDevice(deviceId: string): Promise<Device> {
    const query = `mutation ($deviceId: ID!) { revokeDevice(deviceId: $deviceId) { ${DEVICE} } }`;
    return (await this.request<{ revokeDevice: Device }>(query, { deviceId })).revokeDevice;
  }

  /** What this device's offline payment tokens may pay in any 24 hours (the password is asked). */
  async setOfflineLimits(deviceId: string, maxAmount: number, maxCount: number, password: string): Promise<Device> {
    const query = `mutation ($deviceId: ID!, $maxAmount: Int!, $maxCount: Int!, $password: String!) {
      setOfflineLimits(deviceId: $deviceId, maxAmount: $maxAmount, maxCount: $maxCount, password: $password) { ${DEVICE} } }`;
    return (await this.request<{ setOfflineLimits: Device }>(query, { deviceId, maxAmount, maxCount, password })).setOfflineLimits;
  }

  async payment(id: string): Promise<Payment | null> {
    const query = `query ($id: ID!) { payment(id: $id) { ${PAYMENT_WITH_POINTS_FIELDS} } }`;
    return (await this.request<{ payment: Payment | null }>(query, { id })).payment;
  }
}
