/** How far a gate's clock is believed: one rule with the offline gate, in clients/wire/scan-time.ts. */
export { ROTATING_OFFLINE_SECONDS, SCAN_MAX_AHEAD_SECONDS, beyondOfflineTrust, scannedAhead } from "../../../clients/wire/scan-time";
