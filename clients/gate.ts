import { WalletClient, type ClientOptions } from "./common";
import { graphql, type ResultOf, type VariablesOf } from "./graphql";
import { LiveConnection, type LiveFeed } from "./live";
import type { AdmissionResult, DenialReason } from "./wire/admission-rules";
import { TicketFields } from "./tickets";

/** With ALREADY_USED, `firstUsedAt` and `firstUsedGate` say when and where the use that stands was taken. */
export const AdmissionFields = graphql(
  `fragment AdmissionFields on Admission { result reason ticket { ...TicketFields } admittedCount at firstUsedAt firstUsedGate }`,
  [TicketFields],
);
export type Admission = ResultOf<typeof AdmissionFields>;

export const AttendanceFields = graphql(`fragment AttendanceFields on Attendance { eventId ticketsIssued admitted }`);
export type AttendanceSummary = ResultOf<typeof AttendanceFields>;

const GateAdmissionFields = graphql(`fragment GateAdmissionFields on Admission { ...AdmissionFields firstUsedAt offline id listId undoableUntil undoneAt byTicketId }`, [
  AdmissionFields,
]);
/**
 * An answer that may be an exit, or a synced scan's (with the time of the use that
 * stands); `result` and `reason` as the shared decision names them (clients/wire/admission-rules.ts).
 */
export type GateAdmission = Omit<ResultOf<typeof GateAdmissionFields>, "result" | "reason"> & { result: AdmissionResult; reason: DenialReason | null };

const AttendanceNow = graphql(`query AttendanceNow($eventId: ID!) { attendance(eventId: $eventId) { eventId ticketsIssued admitted inside byGate { gate admitted exited } byList { listId name admitted } } }`);
/** Visitors admitted, inside now, and the passages at each gate. */
export type Attendance = ResultOf<typeof AttendanceNow>["attendance"];
export type GateCount = Attendance["byGate"][number];

const GateSnapshotQuery = graphql(`
  query GateSnapshot($eventId: ID!, $since: DateTime, $after: String, $first: Int) {
    gateSnapshot(eventId: $eventId, since: $since, after: $after, first: $first) {
      eventId asOf signingKeys allowReentry revokedTicketIds nextCursor
      checkInLists { id name allTickets opensAt closesAt }
      tickets {
        ticketId holderVersion usesAllowed usesLeft validFrom validUntil minMinutesBetweenUses lastUsedAt inside seat issueNumber attendeeName checkInListIds
        rotatingKeys { deviceId publicKey algorithm holderVersion } } } }
`);
export type GateSnapshot = ResultOf<typeof GateSnapshotQuery>["gateSnapshot"];
/** A ticket as an offline gate decides on it. */
export type GateTicket = GateSnapshot["tickets"][number];

/**
 * Every page of a snapshot walk, one after another: the whole event, or with `since` (an
 * earlier asOf) what changed since. Each page answers the walk's asOf, the one to refresh
 * since once the last page is in.
 */
export async function* snapshotPages(client: Pick<GateClient, "gateSnapshot">, eventId: string, since?: string | null): AsyncGenerator<GateSnapshot> {
  let after: string | null = null;
  do {
    const page: GateSnapshot = await client.gateSnapshot(eventId, since, after);
    yield page;
    after = page.nextCursor ?? null;
  } while (after);
}

const ExitTicket = graphql(
  `mutation ExitTicket($code: String!, $eventId: ID!, $gate: String) { exitTicket(code: $code, eventId: $eventId, gate: $gate) { ...GateAdmissionFields } }`,
  [GateAdmissionFields],
);
const SyncScans = graphql(
  `mutation SyncScans($eventId: ID!, $scans: [OfflineScanInput!]!) { syncScans(eventId: $eventId, scans: $scans) { ...GateAdmissionFields } }`,
  [GateAdmissionFields],
);
/** A scan made while offline, as syncScans takes it. */
export type OfflineScanInput = VariablesOf<typeof SyncScans>["scans"][number];
const Movements = graphql(`subscription Movements($eventId: ID!) { admissions(eventId: $eventId) { ...GateAdmissionFields } }`, [GateAdmissionFields]);

const AdmitTicket = graphql(
  `mutation AdmitTicket($code: String!, $eventId: ID!, $gate: String, $listId: ID) { admitTicket(code: $code, eventId: $eventId, gate: $gate, listId: $listId) { ...GateAdmissionFields } }`,
  [GateAdmissionFields],
);
const AdmitTicketById = graphql(
  `mutation AdmitTicketById($ticketId: ID!, $eventId: ID!, $gate: String, $listId: ID) { admitTicketById(ticketId: $ticketId, eventId: $eventId, gate: $gate, listId: $listId) { ...GateAdmissionFields } }`,
  [GateAdmissionFields],
);
const UndoAdmission = graphql(`mutation UndoAdmission($admissionId: ID!) { undoAdmission(admissionId: $admissionId) { ...GateAdmissionFields } }`, [GateAdmissionFields]);
const GateSearch = graphql(`query GateSearch($eventId: ID!, $query: String!) { gateSearch(eventId: $eventId, query: $query) { ticketId issueNumber attendeeName seat usesAllowed usesLeft inside revoked } }`);
/** A ticket the gate's search found: no phone number. */
export type GateSearchHit = ResultOf<typeof GateSearch>["gateSearch"][number];
const CheckInLists = graphql(`query CheckInLists($eventId: ID!) { checkInLists(eventId: $eventId) { id name allTickets opensAt closesAt } }`);
/** An event's check-in list, as a gate picks one. */
export type CheckInList = ResultOf<typeof CheckInLists>["checkInLists"][number];
const LookupTicket = graphql(`query LookupTicket($code: String!) { lookupCode(code: $code) { kind expiresAt ticket { ...TicketFields } } }`, [TicketFields]);
export type TicketLookup = ResultOf<typeof LookupTicket>["lookupCode"];
const AttendanceQuery = graphql(`query Attendance($eventId: ID!) { attendance(eventId: $eventId) { ...AttendanceFields } }`, [AttendanceFields]);
const OpenEvents = graphql(`query OpenEvents { openEvents { id title venue startsAt doorsOpenAt } }`);
/** An event a gate may open at, as the list to pick from shows it. */
export type OpenEvent = ResultOf<typeof OpenEvents>["openEvents"][number];
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

  /** `listId`: the check-in list this gate scans for (its rule applies). */
  async admitTicket(code: string, eventId: string, gate?: string, listId?: string | null): Promise<GateAdmission> {
    return (await this.request(AdmitTicket, { code, eventId, gate, listId: listId ?? null })).admitTicket as GateAdmission;
  }

  /** A visitor without a phone, found by `gateSearch`: admitted by ticket id with this gate's key (audited). */
  async admitTicketById(ticketId: string, eventId: string, gate?: string, listId?: string | null): Promise<GateAdmission> {
    return (await this.request(AdmitTicketById, { ticketId, eventId, gate, listId: listId ?? null })).admitTicketById as GateAdmission;
  }

  /** Undoes an admission this gate made, until its `undoableUntil`. */
  async undoAdmission(admissionId: string): Promise<GateAdmission> {
    return (await this.request(UndoAdmission, { admissionId })).undoAdmission as GateAdmission;
  }

  /** The event's tickets by attendee name (a part of it) or ticket number; rate-limited and audited. */
  async gateSearch(eventId: string, query: string): Promise<GateSearchHit[]> {
    return (await this.request(GateSearch, { eventId, query })).gateSearch;
  }

  async checkInLists(eventId: string): Promise<CheckInList[]> {
    return (await this.request(CheckInLists, { eventId })).checkInLists;
  }

  async lookupTicket(code: string): Promise<TicketLookup> {
    return (await this.request(LookupTicket, { code })).lookupCode;
  }

  /** The events of this gate's partner that are not over yet, soonest first. */
  async openEvents(): Promise<OpenEvent[]> {
    return (await this.request(OpenEvents)).openEvents;
  }

  async attendance(eventId: string): Promise<AttendanceSummary> {
    return (await this.request(AttendanceQuery, { eventId })).attendance;
  }

  /** A visitor leaves: let out for any genuine code of the event's tickets. */
  async exitTicket(code: string, eventId: string, gate?: string): Promise<GateAdmission> {
    return (await this.request(ExitTicket, { code, eventId, gate })).exitTicket as GateAdmission;
  }

  /** Scans made offline, in any order, as often as needed: each counts once. The answers are in the scans' order. */
  async syncScans(eventId: string, scans: OfflineScanInput[]): Promise<GateAdmission[]> {
    return (await this.request(SyncScans, { eventId, scans })).syncScans as GateAdmission[];
  }

  /**
   * A page of what the gate needs to decide alone; with `since` (an earlier asOf), only the
   * tickets changed since; `after`: the previous page's nextCursor; `first`: tickets a page
   * (the server's default without it). `snapshotPages` walks them all.
   */
  async gateSnapshot(eventId: string, since?: string | null, after?: string | null, first?: number): Promise<GateSnapshot> {
    return (await this.request(GateSnapshotQuery, { eventId, since: since ?? null, after: after ?? null, first: first ?? null })).gateSnapshot;
  }

  /** Visitors admitted, inside now, and the passages at each gate. */
  async attendanceNow(eventId: string): Promise<Attendance> {
    return (await this.request(AttendanceNow, { eventId })).attendance;
  }

  /** Live, with exits and synced scans: every decision at this event. */
  movements(eventId: string): LiveFeed<GateAdmission> {
    return this.live.subscribe(Movements, (data) => data.admissions as GateAdmission, { eventId });
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
