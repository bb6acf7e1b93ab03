import { createHash } from "node:crypto";

/**
 * The number a register shows for a customer (the seed's Fig 12D): ten digits derived
 * from the customer's id, the same on every payment of theirs, so a clerk can tell
 * regulars apart and a receipt can name the customer, without the phone number or the
 * name ever reaching the register. Derived, not stored: nothing to keep in step.
 */
export function customerNumberOf(customerId: string): string {
  const digest = createHash("sha256").update(`customer-number:${customerId}`).digest();
  return (digest.readBigUInt64BE(0) % 10_000_000_000n).toString().padStart(10, "0");
}
