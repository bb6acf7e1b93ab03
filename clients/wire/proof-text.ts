/**
 * The canonical text a device signs to approve one request instead of the password, the
 * one definition the phone (clients/device-key.ts) and the server
 * (src/services/devices/device-proof-text.ts) both build it with; docs/device-proofs.md
 * specifies it for phone developers. No platform imports: it runs in a browser too.
 */

/** The first line of a proof: the kind of text and its version. */
export const PROOF_HEADER = "wallet-center device proof v1";

/** The operations a proof may approve, each with its arguments in the contract's order. */
export const PROOF_ARGUMENTS = {
  issuePaymentCode: ["cardId", "maxAmount"],
  issueMemberCode: ["programId"],
  issueBillCode: ["billId"],
  issueTicketCode: ["ticketId"],
  issueRotatingTicket: ["ticketId"],
  respondToConfirmation: ["requestId", "approve"],
  appleWalletPass: ["ticketId", "programId"],
  googleWalletLink: ["ticketId", "programId"],
} as const;

export type ProofOperation = keyof typeof PROOF_ARGUMENTS;
export type ProofArguments<O extends ProofOperation> = { [K in (typeof PROOF_ARGUMENTS)[O][number]]: string | number | boolean | null | undefined };

/** The canonical text of one request (docs/device-proofs.md): lines joined by "\n", none at the end. */
export function proofText<O extends ProofOperation>(operation: O, args: ProofArguments<O>, deviceId: string, counter: number): string {
  const values = args as Record<string, string | number | boolean | null | undefined>;
  const lines = [PROOF_HEADER, `operation: ${operation}`, `device: ${deviceId}`, `counter: ${counter}`];
  for (const name of PROOF_ARGUMENTS[operation]) lines.push(`${name}: ${JSON.stringify(values[name] ?? null)}`);
  return lines.join("\n");
}
