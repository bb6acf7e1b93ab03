import type { SignedReceipt } from "@clients/wire/receipt";

/** The receipt in its JSON (Receipt.json, a QR's text); null when it is not JSON at all. */
export function readReceipt(json: string): SignedReceipt | null {
  try {
    const receipt = JSON.parse(json) as SignedReceipt;
    return receipt && typeof receipt === "object" && receipt.body && typeof receipt.body === "object" ? receipt : null;
  } catch {
    return null;
  }
}
