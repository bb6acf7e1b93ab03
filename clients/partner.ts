import { BillFields, OfferFields, WalletClient, type Bill, type BillStatus, type ClientOptions, type Offer } from "./common";
import { Admissions, AttendanceFields, type Admission, type AttendanceSummary } from "./gate";
import { graphql, type ResultOf, type VariablesOf } from "./graphql";
import { LiveConnection, type LiveFeed } from "./live";
import { EventFields, TicketFields, TicketHistoryFields, type Ticket, type TicketEvent, type TicketHistory } from "./tickets";

import {
  Events,
  RedeliverEvent,
  SearchBills,
  SearchTickets,
  type BillPage,
  type BillSearch,
  type TicketPage,
  type TicketSearch,
  type WebhookEvent,
  type WebhookEventPage,
} from "./merchant";

export type { Offer };

const PostBill = graphql(`mutation PostBill($input: PostBillInput!) { postBill(input: $input) { ...BillFields } }`, [BillFields]);
export type PostBillInput = VariablesOf<typeof PostBill>["input"];
const CancelBill = graphql(`mutation CancelBill($reference: String!) { cancelBill(reference: $reference) { ...BillFields } }`, [BillFields]);
const Bills = graphql(`query Bills($status: BillStatus) { bills(status: $status) { ...BillFields } }`, [BillFields]);
const CreateEvent = graphql(`mutation CreateEvent($input: EventInput!) { createEvent(input: $input) { ...EventFields } }`, [EventFields]);
export type EventInput = VariablesOf<typeof CreateEvent>["input"];
const PostTicket = graphql(`mutation PostTicket($input: PostTicketInput!) { postTicket(input: $input) { ...TicketFields } }`, [TicketFields]);
export type PostTicketInput = VariablesOf<typeof PostTicket>["input"];
const CreateCheckInList = graphql(`mutation CreateCheckInList($input: CheckInListInput!) { createCheckInList(input: $input) { id eventId name allTickets opensAt closesAt } }`);
export type CheckInListInput = VariablesOf<typeof CreateCheckInList>["input"];
const GateAudit = graphql(`query GateAudit($eventId: ID!) { gateAudit(eventId: $eventId) { action apiKeyId ticketId hits at } }`);
export type GateAuditEntry = ResultOf<typeof GateAudit>["gateAudit"][number];
const TicketByIssueNumber = graphql(`query Ticket($issueNumber: String!) { ticket(issueNumber: $issueNumber) { ...TicketHistoryFields } }`, [TicketHistoryFields]);
const RevokeTicket = graphql(`mutation RevokeTicket($issueNumber: String!) { revokeTicket(issueNumber: $issueNumber) { ...TicketFields } }`, [TicketFields]);
const AttendanceQuery = graphql(`query Attendance($eventId: ID!) { attendance(eventId: $eventId) { ...AttendanceFields } }`, [AttendanceFields]);
const KeepBooksCopy = graphql(`mutation KeepBooksCopy($enabled: Boolean!) { keepBooksCopy(enabled: $enabled) }`);
const BillReceipts = graphql(`subscription BillReceipts { billReceipts { ...BillFields } }`, [BillFields]);
const CreateOffer = graphql(
  `mutation CreateOffer($programId: ID!, $title: String!, $description: String!, $validUntil: DateTime) {
    createOffer(programId: $programId, title: $title, description: $description, validUntil: $validUntil) { ...OfferFields } }`,
  [OfferFields],
);
const SendMessage = graphql(`
  mutation SendMessage($programId: ID!, $title: String!, $body: String!, $audience: MessageAudienceInput) {
    sendMessage(programId: $programId, title: $title, body: $body, audience: $audience) }
`);
/** Who a message goes to (dates as ISO strings); nothing given: every member. */
export type MessageAudience = NonNullable<VariablesOf<typeof SendMessage>["audience"]>;
const PointMovements = graphql(`
  query PointMovements($programId: ID!, $after: String, $first: Int) {
    pointMovements(programId: $programId, after: $after, first: $first) { nodes { id memberNumber kind points storeId expiresAt at reason } nextCursor } }
`);
const AdjustPoints = graphql(`
  mutation AdjustPoints($programId: ID!, $memberNumber: String!, $points: Int!, $reason: String!, $key: String!) {
    adjustPoints(programId: $programId, memberNumber: $memberNumber, points: $points, reason: $reason, idempotencyKey: $key) {
      id memberNumber points reason balance expiresAt at } }`);
export type PointAdjustment = ResultOf<typeof AdjustPoints>["adjustPoints"];
export type PointMovementPage = ResultOf<typeof PointMovements>["pointMovements"];
export type PointMovement = PointMovementPage["nodes"][number];

/** A partner's client (online store, utility, ticket shop, store group HQ), by API key. */
export class PartnerClient extends WalletClient {
  /** The partner's WebSocket, opened on the first subscription. */
  readonly live: LiveConnection;

  constructor(url: string, apiKey: string, options?: ClientOptions) {
    super(url, apiKey, options);
    this.live = new LiveConnection(url, () => this.credential, options);
  }

  /** This partner's bills by reference, status, amount and posting time, newest first, `first` at a time after a cursor. */
  async searchBills(filter: BillSearch = {}, first?: number, after?: string): Promise<BillPage> {
    return (await this.request(SearchBills, { filter, first, after })).searchBills;
  }

  /** This ticket shop's tickets by issue number, event, status and posting time, newest first, `first` at a time after a cursor. */
  async searchTickets(filter: TicketSearch = {}, first?: number, after?: string): Promise<TicketPage> {
    return (await this.request(SearchTickets, { filter, first, after })).searchTickets;
  }

  /** The webhooks sent to this partner, newest first, to catch up from. */
  async events(options: { first?: number; after?: string; types?: string[] } = {}): Promise<WebhookEventPage> {
    return (await this.request(Events, options)).events;
  }

  /** Sends one of this partner's events again: the same id and body. */
  async redeliverEvent(id: string): Promise<WebhookEvent> {
    return (await this.request(RedeliverEvent, { id })).redeliverEvent;
  }

  /** Idempotent on the reference: posting the same bill again returns it. */
  async postBill(input: PostBillInput): Promise<Bill> {
    return (await this.request(PostBill, { input })).postBill;
  }

  async cancelBill(reference: string): Promise<Bill> {
    return (await this.request(CancelBill, { reference })).cancelBill;
  }

  async bills(status?: BillStatus): Promise<Bill[]> {
    return (await this.request(Bills, { status })).bills;
  }

  async createEvent(input: EventInput): Promise<TicketEvent> {
    return (await this.request(CreateEvent, { input })).createEvent;
  }

  /** Idempotent on the issue number. */
  /** A check-in list of its event: a day of a festival, a VIP area. */
  async createCheckInList(input: CheckInListInput) {
    return (await this.request(CreateCheckInList, { input })).createCheckInList;
  }

  /** What its gates did by hand at an event (searches, admissions by ticket id, undos), newest first. */
  async gateAudit(eventId: string): Promise<GateAuditEntry[]> {
    return (await this.request(GateAudit, { eventId })).gateAudit;
  }

  async postTicket(input: PostTicketInput): Promise<Ticket> {
    return (await this.request(PostTicket, { input })).postTicket;
  }

  /** The shop's own ticket, with its uses and the whole chain of allotments. */
  async ticket(issueNumber: string): Promise<TicketHistory> {
    return (await this.request(TicketByIssueNumber, { issueNumber })).ticket;
  }

  async revokeTicket(issueNumber: string): Promise<Ticket> {
    return (await this.request(RevokeTicket, { issueNumber })).revokeTicket;
  }

  async attendance(eventId: string): Promise<AttendanceSummary> {
    return (await this.request(AttendanceQuery, { eventId })).attendance;
  }

  /** Live: admissions at one of this partner's events. */
  admissions(eventId: string): LiveFeed<Admission> {
    return this.live.subscribe(Admissions, (data) => data.admissions, { eventId });
  }

  /** Opts this partner in or out of the books.sealed webhook: the latest signed head of the books, to keep a copy (docs/books.md). */
  async keepBooksCopy(enabled: boolean): Promise<boolean> {
    return (await this.request(KeepBooksCopy, { enabled })).keepBooksCopy;
  }

  /** Live: this partner's bills the moment they are paid. */
  billReceipts(): LiveFeed<Bill> {
    return this.live.subscribe(BillReceipts, (data) => data.billReceipts);
  }

  async createOffer(programId: string, title: string, description: string, validUntil?: string | null): Promise<Offer> {
    return (await this.request(CreateOffer, { programId, title, description, validUntil })).createOffer;
  }

  /** To every member, or to `audience`: one member number, or who joined or spent in a period. Returns members reached. */
  async sendMessage(programId: string, title: string, body: string, audience?: MessageAudience): Promise<number> {
    return (await this.request(SendMessage, { programId, title, body, audience })).sendMessage;
  }

  /** The program's change feed: point movements after `after`, oldest first. */
  /** Adds (positive) or takes (negative) a member's points, with a reason; the member is told. Idempotent on the key. */
  async adjustPoints(programId: string, memberNumber: string, points: number, reason: string, idempotencyKey: string): Promise<PointAdjustment> {
    return (await this.request(AdjustPoints, { programId, memberNumber, points, reason, key: idempotencyKey })).adjustPoints;
  }

  async pointMovements(programId: string, after?: string | null, first = 100): Promise<PointMovementPage> {
    return (await this.request(PointMovements, { programId, after, first })).pointMovements;
  }
}
