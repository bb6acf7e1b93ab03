import canonicalize from "canonicalize";
import type { SignedReceipt, TreeHead as WireTreeHead } from "../../../clients/wire/receipt";
import type { Receipt, TreeHead } from "../../schema/books/books.types";

export function toReceipt(receipt: SignedReceipt): Receipt {
  return {
    id: receipt.body.id,
    kind: receipt.body.kind,
    body: canonicalize(receipt.body)!,
    keyId: receipt.keyId,
    signature: receipt.signature,
    json: canonicalize({ body: receipt.body, keyId: receipt.keyId, signature: receipt.signature })!,
  };
}

export const toTreeHead = (head: WireTreeHead): TreeHead => ({ ...head, at: new Date(head.at) });
