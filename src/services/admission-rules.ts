/** A gate's answer to a scanned ticket code. A denial is an answer, not an error. */
export const ADMISSION_RESULTS = ["ADMITTED", "DENIED"] as const;
export type AdmissionResult = (typeof ADMISSION_RESULTS)[number];

/** Why a scan was DENIED. */
export const DENIAL_REASONS = ["ALREADY_USED", "NOT_YET_VALID", "EXPIRED", "WRONG_EVENT", "REVOKED", "INVALID"] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];
