import { WalletClient, type ClientOptions } from "./common";
import { LiveConnection, type LiveFeed } from "./live";
import { TICKET_FIELDS, type Ticket } from "./tickets";
import type { AdmissionResult, DenialReason } from "./admission-rules";

export interface Admission {
  result: "ADMITTED" | "DENIED";
  reason: "ALREADY_USED" | "NOT_YET_VALID" | "EXPIRED" | "WRONG_EVENT" | "REVOKED" | "INVALID" | null;
  ticket: Ticket | null;
  admittedCount: number;
  at: string;
}

const ADMISSION_FIELDS = `result reason ticket { ${TICKET_FIELDS} } admittedCount at`;

/** An answer that may be an exit, or a synced scan's (with the time of the use that stands). */
export interface GateAdmission extends Omit<Admission, "result" | "reason"> {
  result: AdmissionResult;
  reason: DenialReason | null;
  firstUsedAt: string | null;
  offline: boolean;
}

const GATE_ADMISSION_FIELDS = `${ADMISSION_FIELDS} firstUsedAt offline`;

export interface GateCount {
  gate: string;
  admitted: number;
  exited: number;
}

export interface Attendance {
  eventId: string;
  ticketsIssued: number;
  admitted: number;
  inside: number;
  byGate: GateCount[];
}

/** A ticket as an offline gate decides on it. */
export interface GateTicket {
  ticketId: string;
  holderVersion: number;
  usesAllowed: number;
  usesLeft: number;
  validFrom: string;
  validUntil: string;
  minMinutesBetweenUses: number | null;
  lastUsedAt: string | null;
  inside: boolean;
}

export interface GateSnapshot {
  eventId: string;
  asOf: string;
  signingKeys: string[];
  allowReentry: boolean;
  tickets: GateTicket[];
  revokedTicketIds: string[];
}

/** A scan made while offline, as syncScans takes it. */
export interface OfflineScanInput {
  code: string;
  gate: string;
  scannedAt: string;
  exit?: boolean;
}

const SNAPSHOT_FIELDS = `eventId asOf signingKeys allowReentry revokedTicketIds
  tickets { ticketId holderVersion usesAllowed usesLeft validFrom validUntil minMinutesBetweenUses lastUsedAt inside }`;

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

  /** A visitor leaves: let out for any genuine code of the event's tickets. */
  async exitTicket(code: string, eventId: string, gate?: string): Promise<GateAdmission> {
    const query = `mutation ($code: String!, $eventId: ID!, $gate: String) {
      exitTicket(code: $code, eventId: $eventId, gate: $gate) { ${GATE_ADMISSION_FIELDS} } }`;
    return (await this.request<{ exitTicket: GateAdmission }>(query, { code, eventId, gate })).exitTicket;
  }

  /** Scans made offline, in any order, as often as needed: each counts once. The answers are in the scans' order. */
  async syncScans(eventId: string, scans: OfflineScanInput[]): Promise<GateAdmission[]> {
    const query = `mutation ($eventId: ID!, $scans: [OfflineScanInput!]!) { syncScans(eventId: $eventId, scans: $scans) { ${GATE_ADMISSION_FIELDS} } }`;
    return (await this.request<{ syncScans: GateAdmission[] }>(query, { eventId, scans })).syncScans;
  }

  /** What the gate needs to decide alone; with `since` (an earlier asOf), only the tickets changed since. */
  async gateSnapshot(eventId: string, since?: string | null): Promise<GateSnapshot> {
    const query = `query ($eventId: ID!, $since: DateTime) { gateSnapshot(eventId: $eventId, since: $since) { ${SNAPSHOT_FIELDS} } }`;
    return (await this.request<{ gateSnapshot: GateSnapshot }>(query, { eventId, since: since ?? null })).gateSnapshot;
  }

  /** Visitors admitted, inside now, and the passages at each gate. */
  async attendanceNow(eventId: string): Promise<Attendance> {
    const query = `query ($eventId: ID!) { attendance(eventId: $eventId) { eventId ticketsIssued admitted inside byGate { gate admitted exited } } }`;
    return (await this.request<{ attendance: Attendance }>(query, { eventId })).attendance;
  }

  /** Live, with exits and synced scans: every decision at this event. */
  movements(eventId: string): LiveFeed<GateAdmission> {
    return this.live.subscribe(
      `subscription ($eventId: ID!) { admissions(eventId: $eventId) { ${GATE_ADMISSION_FIELDS} } }`,
      (data) => data.admissions as GateAdmission,
      { eventId },
    );
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
