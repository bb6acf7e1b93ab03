import type { GateClient } from "@clients/gate";
import type { OfflineGate } from "@clients/offline-gate";
import type { SavedGate, Tally } from "./gate-store";

/** An open gate: its client, what it keeps on the device, and its offline decisions. */
export interface GateSession {
  client: GateClient;
  saved: SavedGate;
  offline: OfflineGate;
  /** The counts to show until the server gives new ones. */
  tally: Tally | null;
}
