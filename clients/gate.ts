import { WalletClient, type ClientOptions } from "./common";
import { LiveConnection, type LiveFeed } from "./live";
import { TICKET_FIELDS, type Ticket } from "./tickets";

export interface Admission {
  result: "ADMITTED" | "DENIED";
  reason: "ALREADY_USED" | "NOT_YET_VALID" | "EXPIRED" | "WRONG_EVENT" | "REVOKED" | "INVALID" | null;
  ticket: Ticket | null;
  admittedCount: number;
  at: string;
}

const ADMISSION_FIELDS = `result reason ticket { ${TICKET_FIELDS} } admittedCount at`;

/** A venue gate's client: admit ticket codes, watch admissions live, read attendance. */
export class GateClient extends WalletClient {
  /** The gate's WebSocket, opened on the first subscription. */
  readonly live: LiveConnection;

  constructor(url: string, apiKey: string, options?: ClientOptions) {
    super(url, apiKey, options);
    this.live = new LiveConnection(url, () => this.credential);
  }

  async admitTicket(code: string, eventId: string, gate?: string): Promise<Admission> {
    const query = `mutation ($code: String!, $eventId: ID!, $gate: String) {
      admitTicket(code: $code, eventId: $eventId, gate: $gate) { ${ADMISSION_FIELDS} } }`;
    return (await this.request<{ admitTicket: Admission }>(query, { code, eventId, gate })).admitTicket;
  }

  async lookupTicket(code: string): Promise<{ kind: string; expiresAt: string; ticket: Ticket | null }> {
    const query = `query ($code: String!) { lookupCode(code: $code) { kind expiresAt ticket { ${TICKET_FIELDS} } } }`;
    return (await this.request<{ lookupCode: { kind: string; expiresAt: string; ticket: Ticket | null } }>(query, { code })).lookupCode;
  }

  async attendance(eventId: string): Promise<{ eventId: string; ticketsIssued: number; admitted: number }> {
    const query = `query ($eventId: ID!) { attendance(eventId: $eventId) { eventId ticketsIssued admitted } }`;
    return (await this.request<{ attendance: { eventId: string; ticketsIssued: number; admitted: number } }>(query, { eventId })).attendance;
  }

  /** The public key (PEM) that verifies ticket codes offline. */
  async ticketSigningKey(): Promise<string> {
    return (await this.request<{ ticketSigningKey: string }>(`{ ticketSigningKey }`)).ticketSigningKey;
  }

  /** Live: every admission decision at this event, with the running count. */
  admissions(eventId: string): LiveFeed<Admission> {
    return this.live.subscribe(
      `subscription ($eventId: ID!) { admissions(eventId: $eventId) { ${ADMISSION_FIELDS} } }`,
      (data) => data.admissions as Admission,
      { eventId },
    );
  }
}
