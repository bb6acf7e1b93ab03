import type { OfflineGateOptions, OfflineGateState, SavedProgress, SavedSnapshot } from "@clients/offline-gate";
import { createStore, del, delMany, get, getMany, set, setMany } from "idb-keyval";

/** What the gate needs to open again by itself: after a reload, a closed tab or a restart, with or without a network. */
export interface SavedGate {
  apiKey: string;
  eventId: string;
  eventTitle: string;
  gateName: string;
  /** The check-in list this gate scans for, and its name; none: the event's own entry. */
  listId?: string | null;
  listName?: string | null;
}

/**
 * The gate's device keeps its sign-in, its snapshot and its queued scans in IndexedDB
 * (not localStorage: the snapshot of a large event is megabytes, and IndexedDB writes
 * are transactions, so a scan is either kept whole or not at all). The key stays until
 * the gate signs out, as a register's does: a gate that lost its network must still be
 * able to upload its scans once the network is back.
 */
const store = () => createStore("wallet-center-gate", "gate");

export const loadSavedGate = (): Promise<SavedGate | undefined> => get<SavedGate>("session", store());
export const saveGate = (gate: SavedGate): Promise<void> => set("session", gate, store());
/** The offline gate's snapshot and its progress since (clients/offline-gate.ts), or nothing when either is missing. */
export async function loadGateState(): Promise<OfflineGateState | undefined> {
  const [snapshot, progress] = await getMany<SavedSnapshot | SavedProgress | undefined>(["snapshot", "progress"], store());
  return snapshot && progress ? { snapshot: snapshot as SavedSnapshot, progress: progress as SavedProgress } : undefined;
}

/** After each scan the progress alone; after a refresh both, in one transaction, so the two never disagree. */
export const saveGateState: NonNullable<OfflineGateOptions["save"]> = ({ snapshot, progress }) =>
  snapshot
    ? setMany(
        [
          ["snapshot", snapshot],
          ["progress", progress],
        ],
        store(),
      )
    : set("progress", progress, store());

/** The counts the gate last showed: the server's, and its own admissions not yet sent, shown again after a reload with no network. */
export interface Tally {
  admitted: number;
  inside: number;
  offlineAdmitted: number;
  /** Admitted offline less let out offline; absent in a tally saved before exits were counted. */
  offlineInside?: number;
}

export const loadTally = (): Promise<Tally | undefined> => get<Tally>("tally", store());
export const saveTally = (tally: Tally): Promise<void> => set("tally", tally, store());

/** Signing out forgets the key, the snapshot and the queue (the gate refuses while scans wait to be sent). */
export async function forgetGate(): Promise<void> {
  await delMany(["snapshot", "progress", "tally"], store());
  await del("session", store());
}
