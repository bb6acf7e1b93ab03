import type { Tx } from "../../database";
import { PointMovementEntity } from "../../entities";
import type { PointMovementKind } from "../../entities/point-movement.entity";
import type { ReceiptKind } from "../../../clients/wire/receipt";
import type { ReceiptService } from "../books/receipts.service";
import { customerNumberOf } from "../kernel/customer-numbers.service";
import type { ServiceDeps } from "../kernel/deps";
import type { ChangeHooks } from "../kernel/change-hooks";
import type { StoreDaySums } from "../kernel/store-day-sums.service";

const KIND: Record<PointMovementKind, ReceiptKind> = {
  EARN: "points.earned",
  REDEEM: "points.redeemed",
  RETURN: "points.returned",
  TAKE_BACK: "points.taken_back",
  ADJUST: "points.adjusted",
};

/**
 * Every point movement is written with its signed receipt, in its transaction: the points
 * (a count: the kind says which way), the program, the store and the member's number at
 * that store; with a card payment, the payment it came with.
 */
export class PointReceipts {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly receipts: ReceiptService,
    private readonly changes: ChangeHooks,
    /** The store's day sums: the points moved at its registers, by kind. */
    private readonly storeDays: StoreDaySums,
  ) {}

  /** Inserts the movement and issues its receipt. */
  async record(tx: Tx, movement: PointMovementEntity, customerId: string, paymentId?: string): Promise<void> {
    await tx.insert(PointMovementEntity, movement);
    // A partner's adjustment is made at no store (its program stands in the store's place).
    if (movement.storeId && movement.kind !== "ADJUST") {
      const move = { storeId: movement.storeId, at: movement.createdAt, kind: movement.kind, count: 1, amount: movement.points };
      this.storeDays.add(tx, move, await this.storeDays.zoneOf(movement.storeId, tx));
    }
    // The member's balance moved: its Wallet card shows it.
    await this.changes.changed(tx, "membership", movement.membershipId);
    this.receipts.issue(
      tx,
      {
        kind: KIND[movement.kind],
        objectId: movement.id,
        at: movement.createdAt,
        points: Math.abs(movement.points),
        programId: movement.programId,
        storeId: movement.storeId,
        customerNumber: customerNumberOf(this.deps.keys.customerNumber, customerId, movement.storeId),
        paymentId,
      },
      { customerId, storeId: movement.storeId },
    );
  }
}
