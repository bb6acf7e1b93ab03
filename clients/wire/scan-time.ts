/**
 * How far a gate's clock is believed, the one rule for the server (syncScans) and the
 * offline gate (clients/offline-gate.ts). No platform imports.
 *
 * A scan made offline carries the gate's own time. The server takes it as the time of
 * the scan, except:
 * - a scan more than SCAN_MAX_AHEAD_SECONDS ahead of the server's clock is refused (a
 *   use in the future would block a pass's later uses and decide which of two gates
 *   came first);
 * - a rotating code (T2) is judged by the gate's clock only within
 *   ROTATING_OFFLINE_SECONDS of the snapshot the offline gate decided on (the upload
 *   names its asOf; an upload that does not is judged against its own time). Beyond it
 *   the code is STALE: a gate whose clock is behind would otherwise take a screenshot of
 *   any age, and a gate that long without a snapshot has not heard of revoked devices.
 *   The gate and the server judge the same times, so they agree.
 */

/** A gate's clock may be this far ahead of the server's. */
export const SCAN_MAX_AHEAD_SECONDS = 60;

/** A rotating code is judged by a gate's clock only this close to the snapshot (at the gate) or the upload (at the server). */
export const ROTATING_OFFLINE_SECONDS = 600;

/** Whether a scan's time is further ahead of the server's clock than a gate's clock may be. */
export const scannedAhead = (scannedAt: Date, serverNow: Date): boolean => scannedAt.getTime() - serverNow.getTime() > SCAN_MAX_AHEAD_SECONDS * 1000;

/** Whether a rotating code scanned at `scannedAt` is too far from the trusted time to be judged by the gate's clock. */
export const beyondOfflineTrust = (scannedAt: Date, trusted: Date): boolean => Math.abs(scannedAt.getTime() - trusted.getTime()) > ROTATING_OFFLINE_SECONDS * 1000;
