import { plural } from "../shared/catalog";

/** The gate's words in English, the source of every key (gate.ja.ts is typed from it). */
export const en = {
  // The server's errors as a gate attendant reads them (gate-words.ts); the rest are the shared words'.
  error: {
    UNAUTHENTICATED: "This gate's key no longer works. Sign in with a valid key.",
    FORBIDDEN: "This key may not open a gate: it is not a gate's key, or not for this event.",
  },

  // GateSignIn.tsx
  pickEvent: "Pick the event this gate admits to.",
  defaultGate: "Main",
  signInTitle: "Gate sign-in",
  apiKey: "The gate's API key",
  showEvents: "Show the events",
  noEvents: "This key's shop has no event on now or to come.",
  event: "Event",
  doors: (when: string) => `doors ${when}`,
  gateName: "Gate name",
  openGate: "Open the gate",

  // Gate.tsx: every reason the shared rule (clients/wire/admission-rules.ts) may give.
  reason: {
    ALREADY_USED: "Already used",
    NOT_YET_VALID: "Not valid yet",
    EXPIRED: "Expired",
    WRONG_EVENT: "Another event's ticket",
    REVOKED: "Revoked",
    INVALID: "Not a valid ticket",
    STALE: "An old code (a screenshot?)",
    TOO_SOON: "Used moments ago: wait before re-entry",
    NOT_ADMITTED: "Never came in: nothing to let out",
    NOT_ON_LIST: "Not on this check-in list",
  },
  usedAt: (gate: string | null, time: string) => `Already used${gate ? ` at ${gate}` : ""} at ${time}`,
  gate: (name: string) => `Gate ${name}`,
  admittedCount: (count: string) => `Admitted: ${count}`,
  insideCount: (count: string) => `Inside: ${count}`,
  offlineFrom: (time: string) => `Offline: admitting from the snapshot of ${time}.`,
  exitSwitch: "Exit: let visitors out",
  checking: "Checking…",
  holdTicket: "Hold the ticket's QR code up to the camera.",
  allSent: "Every scan is on the server.",
  waiting: (count: number) => `${count} ${plural(count, "scan", "scans")} waiting to be sent.`,
  sendNow: "Send now",
  refused: (count: number) =>
    `${count} ${plural(count, "scan was", "scans were")} made with this device's clock ahead of the server's and not counted: set the clock.`,
  typeInstead: "The camera cannot read it? Type the code",
  typeTicket: "Or type the ticket's code",
  signOutLater: "Sign out once every scan is on the server.",
  signOut: "Sign out of this gate",
  admitted: "Admitted",
  letOut: "Let out",
  denied: "Denied",
  seat: (seat: string) => `Seat ${seat}`,
  welcome: "Welcome",
  decidedOffline: "Decided offline: sent to the server when the network is back.",
  soFar: (count: string) => `Admitted so far: ${count}`,

  // GateSignIn.tsx: the check-in list
  checkInList: "Check-in list",
  wholeEvent: "The whole event",

  // gate-desk.tsx: a visitor without a phone, and undoing an admission
  noPhone: "A visitor without a phone? Search by name or ticket number",
  searchLabel: "Name or ticket number",
  search: "Search",
  searchTooShort: "Type at least 2 characters.",
  searchOffline: "Offline: searching this gate's snapshot; admitting takes the network.",
  noneFound: "No ticket found.",
  noName: "(no name)",
  usesLeft: (left: number, allowed: number) => `${left} of ${allowed} left`,
  inside: "inside now",
  admitThis: "Admit",
  undoLast: "Undo the last admission",
  undone: "Admission undone: the ticket can be used again.",
};
