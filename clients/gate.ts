import { WalletClient, type ClientOptions } from "./common";
import { graphql, type ResultOf } from "./graphql";
import { LiveConnection, type LiveFeed } from "./live";
import { TicketFields } from "./tickets";

export const AdmissionFields = graphql(`fragment AdmissionFields on Admission { result reason ticket { ...TicketFields } admittedCount at }`, [TicketFields]);
export type Admission = ResultOf<typeof AdmissionFields>;

export const AttendanceFields = graphql(`fragment AttendanceFields on Attendance { eventId ticketsIssued admitted }`);
export type Attendance = ResultOf<typeof AttendanceFields>;

const AdmitTicket = graphql(
  `mutation AdmitTicket($code: String!, $eventId: ID!, $gate: String) { admitTicket(code: $code, eventId: $eventId, gate: $gate) { ...AdmissionFields } }`,
  [AdmissionFields],
);
const LookupTicket = graphql(`query LookupTicket($code: String!) { lookupCode(code: $code) { kind expiresAt ticket { ...TicketFields } } }`, [TicketFields]);
export type TicketLookup = ResultOf<typeof LookupTicket>["lookupCode"];
const AttendanceQuery = graphql(`query Attendance($eventId: ID!) { attendance(eventId: $eventId) { ...AttendanceFields } }`, [AttendanceFields]);
const TicketSigningKey = graphql(`query TicketSigningKey { ticketSigningKey }`);
export const Admissions = graphql(`subscription Admissions($eventId: ID!) { admissions(eventId: $eventId) { ...AdmissionFields } }`, [AdmissionFields]);

/** A venue gate's client: admit ticket codes, watch admissions live, read attendance. */
export class GateClient extends WalletClient {
  /** The gate's WebSocket, opened on the first subscription. */
  readonly live: LiveConnection;

  constructor(url: string, apiKey: string, options?: ClientOptions) {
    super(url, apiKey, options);
    this.live = new LiveConnection(url, () => this.credential, options);
  }

  async admitTicket(code: string, eventId: string, gate?: string): Promise<Admission> {
    return (await this.request(AdmitTicket, { code, eventId, gate })).admitTicket;
  }

  async lookupTicket(code: string): Promise<TicketLookup> {
    return (await this.request(LookupTicket, { code })).lookupCode;
  }

  async attendance(eventId: string): Promise<Attendance> {
    return (await this.request(AttendanceQuery, { eventId })).attendance;
  }

  /** The public key (PEM) that verifies ticket codes offline. */
  async ticketSigningKey(): Promise<string> {
    return (await this.request(TicketSigningKey)).ticketSigningKey;
  }

  /** Live: every admission decision at this event, with the running count. */
  admissions(eventId: string): LiveFeed<Admission> {
    return this.live.subscribe(Admissions, (data) => data.admissions, { eventId });
  }
}
