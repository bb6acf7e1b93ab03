import { randomUUID } from "node:crypto";
import type { Pool } from "mysql2/promise";

/**
 * The SQL a redeem cannot do without, written by hand with mysql2 and nothing else: the
 * ceiling our redeem path is measured against. Two transactions, as in the server:
 *   1. record the idempotency key, read the code, card and customer, claim the code with
 *      a conditional UPDATE, insert the payment;
 *   2. (after the institution, which is not called here) record the approval, the ledger
 *      entry and the outbox report, and close the idempotency record.
 */
export async function redeemBySql(pool: Pool, codeHash: string, storeId: string, registerKeyId: string, key: string): Promise<void> {
  const conn = await pool.getConnection();
  const now = new Date();
  const paymentId = randomUUID();
  const recordId = randomUUID();
  try {
    await conn.beginTransaction();
    await conn.execute(
      "INSERT INTO idempotency_records (id, scope, idemKey, operation, requestHash, state, createdAt) VALUES (?, ?, ?, 'redeemCode', ?, 'IN_PROGRESS', ?)",
      [recordId, `sql:${registerKeyId}`, key, "0".repeat(64), now],
    );
    const [codes] = await conn.execute("SELECT id, customerId, cardId, maxAmount, expiresAt, usedAt FROM wallet_codes WHERE codeHash = ?", [codeHash]);
    const code = (codes as Array<{ id: string; customerId: string; cardId: string }>)[0];
    if (!code) throw new Error("code not found");
    const [cards] = await conn.execute("SELECT status, institution, brand, last4 FROM cards WHERE id = ?", [code.cardId]);
    const card = (cards as Array<{ institution: string; brand: string; last4: string }>)[0];
    await conn.execute("SELECT confirmAbove FROM customers WHERE id = ?", [code.customerId]);
    const [claimed] = await conn.execute("UPDATE wallet_codes SET usedAt = ? WHERE id = ? AND usedAt IS NULL AND expiresAt > ?", [now, code.id, now]);
    if ((claimed as { affectedRows: number }).affectedRows !== 1) throw new Error("code already used");
    await conn.execute(
      `INSERT INTO payments (id, status, amount, currency, items, reference, storeId, storeName, customerId, cardId, codeId,
        cardInstitution, cardBrand, cardLast4, createdAt) VALUES (?, 'PROCESSING', 500, 'JPY', '[]', NULL, ?, 'Bench Store', ?, ?, ?, ?, ?, ?, ?)`,
      [paymentId, storeId, code.customerId, code.cardId, code.id, card.institution, card.brand, card.last4, now],
    );
    await conn.commit();

    await conn.beginTransaction();
    await conn.execute("UPDATE payments SET status = 'APPROVED', approvalNumber = 'ABC123', decidedAt = ? WHERE id = ? AND status = 'PROCESSING'", [
      now,
      paymentId,
    ]);
    await conn.execute(
      "INSERT INTO ledger_entries (id, paymentId, customerId, storeId, entryType, amount, currency, createdAt) VALUES (?, ?, ?, ?, 'SALE', 500, 'JPY', ?)",
      [randomUUID(), paymentId, code.customerId, storeId, now],
    );
    await conn.execute(
      "INSERT INTO outbox_messages (id, topic, payload, attempts, nextAttemptAt, createdAt, deliveredAt) VALUES (?, 'bench.ceiling', '{}', 0, ?, ?, ?)",
      [randomUUID(), now, now, now],
    );
    await conn.execute("UPDATE idempotency_records SET state = 'DONE', resultId = ? WHERE id = ?", [paymentId, recordId]);
    await conn.commit();
  } catch (error) {
    await conn.rollback().catch(() => undefined);
    throw error;
  } finally {
    conn.release();
  }
}
