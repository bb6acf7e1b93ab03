import { badInput } from "./errors";

/** A registered device's signature over the canonical text of one request (device-proof-text.ts). */
export interface DeviceProof {
  deviceId: string;
  payload: string;
  /** base64url */
  signature: string;
}

/**
 * How the customer approves a request made in their session: the password (a string,
 * checked with scrypt), or a proof signed by one of their registered devices, which
 * costs a signature check instead.
 */
export type Approval = string | { proof: DeviceProof };

/** The approval a request carries: exactly one of the password and a proof (BAD_USER_INPUT otherwise). */
export function approvalOf(password: string | null | undefined, proof: DeviceProof | null | undefined): Approval {
  if (password != null && proof != null) return badInput("Give the password or a device proof, not both", { field: "proof" });
  if (proof != null) return { proof };
  if (password != null) return password;
  return badInput("The password or a device proof is required", { field: "password" });
}
