import DataLoader from "dataloader";
import type { SignedReceipt } from "../../clients/wire/receipt";
import type { Services } from "../services";

/**
 * Reads that many fields of one answer need, gathered into one query each (DataLoader):
 * a page of fifty payments asks for their receipts once, not fifty times. Made per
 * operation, on first use, so nothing read for one caller is seen by another.
 */
export interface RequestLoaders {
  /** The latest kept receipt of an object (a payment, a refund, ...), or null. */
  latestReceipt: DataLoader<string, SignedReceipt | null>;
}

export function requestLoaders(services: Services): RequestLoaders {
  return {
    // Batched, never cached: a subscription's context lives as long as the subscription,
    // and each of its events must read the payment's receipt as it is then (a payment
    // first heard waiting for the phone has none; heard again approved, it has one).
    latestReceipt: new DataLoader(
      async (objectIds) => {
        const latest = await services.receipts.latestOf(objectIds);
        return objectIds.map((id) => latest.get(id) ?? null);
      },
      { cache: false },
    ),
  };
}
