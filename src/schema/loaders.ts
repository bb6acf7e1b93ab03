import DataLoader from "dataloader";
import type { SignedReceipt } from "../../clients/wire/receipt";
import type { Services } from "../services";

/**
 * Reads that many fields of one answer need, gathered into one query each (DataLoader):
 * a page of fifty payments asks for their receipts once, not fifty times. Made per
 * request, on first use, so nothing read for one caller is seen by another.
 */
export interface RequestLoaders {
  /** The latest kept receipt of an object (a payment, a refund, ...), or null. */
  latestReceipt: DataLoader<string, SignedReceipt | null>;
}

export function requestLoaders(services: Services): RequestLoaders {
  return {
    latestReceipt: new DataLoader(async (objectIds) => {
      const latest = await services.receipts.latestOf(objectIds);
      return objectIds.map((id) => latest.get(id) ?? null);
    }),
  };
}
