import { PaymentEntity } from "../../src/entities";

/**
 * A payments row written straight to the database, for tests of src/database: every
 * column set (an approved sale of 100 yen at "store-1"), `columns` replacing any of them.
 */
export function paymentRow(id: string, columns: Partial<PaymentEntity> = {}): PaymentEntity {
  return Object.assign(new PaymentEntity(), {
    id,
    status: "APPROVED",
    amount: 100,
    currency: "JPY",
    items: [],
    reference: null,
    storeId: "store-1",
    storeName: "Corner Store",
    customerId: "customer-1",
    cardId: "card-1",
    codeId: null,
    cardInstitution: "Simulated Bank",
    cardBrand: "VISA",
    cardLast4: "4242",
    approvalNumber: "A1B2C3",
    declineReason: null,
    createdAt: new Date(),
    decidedAt: new Date(),
    processingDeadline: null,
    refundedAmount: 0,
    pointsSettlementId: null,
    billId: null,
    dailyLimitDay: null,
    customerNumber: "0123456789",
    authorizedAmount: null,
    capturedAt: null,
    ...columns,
  });
}
