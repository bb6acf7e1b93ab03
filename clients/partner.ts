import { BILL_FIELDS, WalletClient, type Bill, type BillStatus, type ClientOptions } from "./common";
import { LiveConnection, type LiveFeed } from "./live";
import { EVENT_FIELDS, TICKET_FIELDS, TICKET_HISTORY_FIELDS, type Ticket, type TicketEvent, type TicketHistory } from "./tickets";
import type { Admission } from "./gate";

/** Who a message goes to (dates as ISO strings); nothing given: every member. */
export interface MessageAudience {
  memberNumber?: string;
  joinedAfter?: string;
  joinedBefore?: string;
  spentAfter?: string;
  spentBefore?: string;
}

export interface Offer {
  id: string;
  title: string;
  description: string;
  validUntil: string | null;
}

export interface PointMovement {
  id: string;
  memberNumber: string;
  kind: "EARN" | "REDEEM";
  points: number;
  storeId: string;
  expiresAt: string | null;
  at: string;
}

/** A partner's client (online store, utility, ticket shop, store group HQ), by API key. */
export class PartnerClient extends WalletClient {
  /** The partner's WebSocket, opened on the first subscription. */
  readonly live: LiveConnection;

  constructor(url: string, apiKey: string, options?: ClientOptions) {
    super(url, apiKey, options);
    this.live = new LiveConnection(url, () => this.credential);
  }

  /** Idempotent on the reference: posting the same bill again returns it. */
  async postBill(input: {
    customerPhone: string;
    reference: string;
    amount: number;
    currency: string;
    dueDate: string;
    description?: string;
  }): Promise<Bill> {
    const query = `mutation ($input: PostBillInput!) { postBill(input: $input) { ${BILL_FIELDS} } }`;
    return (await this.request<{ postBill: Bill }>(query, { input })).postBill;
  }

  async cancelBill(reference: string): Promise<Bill> {
    const query = `mutation ($reference: String!) { cancelBill(reference: $reference) { ${BILL_FIELDS} } }`;
    return (await this.request<{ cancelBill: Bill }>(query, { reference })).cancelBill;
  }

  async bills(status?: BillStatus): Promise<Bill[]> {
    const query = `query ($status: BillStatus) { bills(status: $status) { ${BILL_FIELDS} } }`;
    return (await this.request<{ bills: Bill[] }>(query, { status })).bills;
  }

  async createEvent(input: {
    title: string;
    venue: string;
    startsAt: string;
    doorsOpenAt: string;
    releaseMinutesBeforeDoors?: number;
    allowReentry?: boolean;
    maxTransfers?: number | null;
  }): Promise<TicketEvent> {
    const query = `mutation ($input: EventInput!) { createEvent(input: $input) { ${EVENT_FIELDS} } }`;
    return (await this.request<{ createEvent: TicketEvent }>(query, { input })).createEvent;
  }

  /** Idempotent on the issue number. */
  async postTicket(input: {
    eventId: string;
    issueNumber: string;
    holderPhone: string;
    seat?: string;
    usesAllowed?: number;
    validFrom?: string;
    validUntil?: string;
    minMinutesBetweenUses?: number;
  }): Promise<Ticket> {
    const query = `mutation ($input: PostTicketInput!) { postTicket(input: $input) { ${TICKET_FIELDS} } }`;
    return (await this.request<{ postTicket: Ticket }>(query, { input })).postTicket;
  }

  /** The shop's own ticket, with its uses and the whole chain of allotments. */
  async ticket(issueNumber: string): Promise<TicketHistory> {
    const query = `query ($issueNumber: String!) { ticket(issueNumber: $issueNumber) { ${TICKET_HISTORY_FIELDS} } }`;
    return (await this.request<{ ticket: TicketHistory }>(query, { issueNumber })).ticket;
  }

  async revokeTicket(issueNumber: string): Promise<Ticket> {
    const query = `mutation ($issueNumber: String!) { revokeTicket(issueNumber: $issueNumber) { ${TICKET_FIELDS} } }`;
    return (await this.request<{ revokeTicket: Ticket }>(query, { issueNumber })).revokeTicket;
  }

  async attendance(eventId: string): Promise<{ eventId: string; ticketsIssued: number; admitted: number }> {
    const query = `query ($eventId: ID!) { attendance(eventId: $eventId) { eventId ticketsIssued admitted } }`;
    return (await this.request<{ attendance: { eventId: string; ticketsIssued: number; admitted: number } }>(query, { eventId })).attendance;
  }

  /** Live: admissions at one of this partner's events. */
  admissions(eventId: string): LiveFeed<Admission> {
    return this.live.subscribe(
      `subscription ($eventId: ID!) { admissions(eventId: $eventId) { result reason admittedCount at ticket { ${TICKET_FIELDS} } } }`,
      (data) => data.admissions as Admission,
      { eventId },
    );
  }

  /** Live: this partner's bills the moment they are paid. */
  billReceipts(): LiveFeed<Bill> {
    return this.live.subscribe(`subscription { billReceipts { ${BILL_FIELDS} } }`, (data) => data.billReceipts as Bill);
  }

  async createOffer(programId: string, title: string, description: string, validUntil?: string | null): Promise<Offer> {
    const query = `mutation ($programId: ID!, $title: String!, $description: String!, $validUntil: DateTime) {
      createOffer(programId: $programId, title: $title, description: $description, validUntil: $validUntil) { id title description validUntil } }`;
    return (await this.request<{ createOffer: Offer }>(query, { programId, title, description, validUntil })).createOffer;
  }

  /** Messages every member of the partner's program; returns how many it reached. */
  /** To every member, or to `audience`: one member number, or who joined or spent in a period. Returns members reached. */
  async sendMessage(programId: string, title: string, body: string, audience?: MessageAudience): Promise<number> {
    const query = `mutation ($programId: ID!, $title: String!, $body: String!, $audience: MessageAudienceInput) {
      sendMessage(programId: $programId, title: $title, body: $body, audience: $audience) }`;
    return (await this.request<{ sendMessage: number }>(query, { programId, title, body, audience })).sendMessage;
  }

  /** The program's change feed: point movements after `after`, oldest first. */
  async pointMovements(programId: string, after?: string | null, first = 100): Promise<{ nodes: PointMovement[]; nextCursor: string | null }> {
    const query = `query ($programId: ID!, $after: String, $first: Int) {
      pointMovements(programId: $programId, after: $after, first: $first) { nodes { id memberNumber kind points storeId expiresAt at } nextCursor } }`;
    return (await this.request<{ pointMovements: { nodes: PointMovement[]; nextCursor: string | null } }>(query, { programId, after, first }))
      .pointMovements;
  }
}
