import { In, IsNull } from "typeorm";
import type { AtCommit, Tx } from "../../database";
import { row } from "../../database";
import { ReceiptEntity } from "../../entities";
import { receiptBytes, type ReceiptBody, type SignedReceipt } from "../../../clients/wire/receipt";
import type { ServiceDeps } from "../kernel/deps";
import { newId } from "../kernel/ids";

const DECODER = new TextDecoder();

/** What a decision states in its receipt; the receipt adds its type, version, id and signature. */
export type ReceiptFacts = Omit<ReceiptBody, "type" | "v" | "id" | "at"> & { at: Date };

/** Whose receipt it is, for listing it: kept beside the receipt, never in it. */
export interface ReceiptOwner {
  customerId?: string | null;
  storeId?: string | null;
}

/**
 * Receipts for every decision that moves money, points or admission. The decision's own
 * transaction signs and inserts its receipt (sent with the COMMIT, and only if the
 * decision's move changed its row), so a receipt exists exactly when its decision does;
 * the books' sealer gives it a place in the log afterwards.
 */
export class ReceiptService {
  constructor(private readonly deps: ServiceDeps) {}

  issue(tx: Tx, facts: ReceiptFacts, owner: ReceiptOwner, options: { onlyIf?: AtCommit } = {}): SignedReceipt {
    const { at, ...rest } = facts;
    // Absent, never null or undefined: the signed bytes name only what applies.
    const stated = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined && value !== null));
    const body = { type: "wallet-center/receipt", v: 1, id: newId(), ...stated, at: at.toISOString() } as ReceiptBody;
    // The bench's comparison server only (RECEIPTS=off, refused in production): nothing signed or stored.
    if (!this.deps.config.receipts) return { body, keyId: "", signature: "" };
    const signer = this.deps.receiptSigner;
    const bytes = receiptBytes(body);
    const receipt: SignedReceipt = { body, keyId: signer.keyId, signature: signer.sign(bytes) };
    const entity = Object.assign(new ReceiptEntity(), {
      id: body.id,
      kind: body.kind,
      objectId: body.objectId,
      customerId: owner.customerId ?? null,
      storeId: owner.storeId ?? null,
      body: DECODER.decode(bytes),
      keyId: receipt.keyId,
      signature: receipt.signature,
      createdAt: at,
      leafIndex: null,
      droppedAt: null,
    });
    tx.atCommit(row(ReceiptEntity, entity), options);
    return receipt;
  }

  /**
   * The latest kept receipt of each object, in one read (a page of payments asks for all
   * of theirs at once); an object with none has no entry.
   */
  async latestOf(objectIds: readonly string[]): Promise<Map<string, SignedReceipt>> {
    const latest = new Map<string, SignedReceipt>();
    if (objectIds.length === 0) return latest;
    const rows = await this.deps.db.read((m) => m.find(ReceiptEntity, { where: { objectId: In([...objectIds]), droppedAt: IsNull() }, order: { id: "ASC" } }), {
      fresh: true,
    });
    // Oldest first, so each object's last row wins.
    for (const row of rows) latest.set(row.objectId, signedReceiptOf(row));
    return latest;
  }

  /** The receipts of one payment, refund, bill, point movement or admission, oldest first; those dropped after retention are gone. */
  async ofObject(objectId: string): Promise<SignedReceipt[]> {
    const rows = await this.deps.db.read((m) => m.find(ReceiptEntity, { where: { objectId, droppedAt: IsNull() }, order: { id: "ASC" } }), { fresh: true });
    return rows.map(signedReceiptOf);
  }
}

/** The receipt a row holds, exactly as it was signed; only for a row whose body is kept. */
export function signedReceiptOf(entity: ReceiptEntity): SignedReceipt {
  if (entity.body === null) throw new Error(`receipt ${entity.id} has no body (dropped after retention)`);
  return { body: JSON.parse(entity.body) as ReceiptBody, keyId: entity.keyId, signature: entity.signature };
}
