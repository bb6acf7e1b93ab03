import { createHmac } from "node:crypto";

/**
 * The number a register shows for a customer: ten digits, a keyed
 * hash of the customer and the store. It is the same on every payment of theirs at one
 * store, so a clerk can tell regulars apart and a receipt can name the customer, and
 * different at every other store, so stores comparing their books cannot link one
 * customer's purchases; without the key nobody can work it out from the ids. Neither
 * the phone number nor the name reaches a register. Derived, not stored: nothing to keep
 * in step. The key is customer numbers' own (CUSTOMER_NUMBER_KEY, purpose-keys.ts), so
 * rotating any other key leaves every number as it was (docs/customer-number.md).
 */
export function customerNumberOf(key: Buffer, customerId: string, storeId: string): string {
  const digest = createHmac("sha256", key).update(`customer-number\n${storeId}\n${customerId}`).digest();
  return (digest.readBigUInt64BE(0) % 10_000_000_000n).toString().padStart(10, "0");
}

/** customerNumberOf under the server's key, for the API layer. */
export class CustomerNumbers {
  constructor(private readonly key: Buffer) {}

  of(customerId: string, storeId: string): string {
    return customerNumberOf(this.key, customerId, storeId);
  }
}
