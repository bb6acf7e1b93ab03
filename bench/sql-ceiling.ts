import { randomUUID } from "node:crypto";
import type { Pool } from "mysql2/promise";

/**
 * The SQL a redeem does, written by hand with mysql2 and nothing else: the ceiling our
 * redeem path is measured against. The same statements as the server sends (npm run
 * bench:profile counts them), in the same two transactions and the same three round
 * trips (BEGIN travels with the first statements, COMMIT with the last writes):
 *   1. record the idempotency key, read the code with its card and customer in one join
 *      and claim the code with a conditional UPDATE, in one round trip; insert the
 *      payment and commit;
 *   2. (after the institution, which is not called here) record the approval, and with
 *      it, only if it changed the payment, the ledger entry and the outbox report, and
 *      commit, in one round trip.
 * Left out: delivering the outbox report (the server does that in batches, well under
 * one statement per redeem), and everything that is not SQL.
 * The pool needs multipleStatements: true.
 */
export async function redeemBySql(pool: Pool, codeHash: string, storeId: string, registerKeyId: string, key: string): Promise<void> {
  const conn = await pool.getConnection();
  const now = new Date();
  const paymentId = randomUUID();
  try {
    const [results] = await conn.query(
      `START TRANSACTION; INSERT INTO idempotency_records (id, scope, idemKey, operation, requestHash, state, resultId, errorCode, errorMessage, createdAt)
        VALUES (?, ?, ?, 'redeemCode', ?, 'DONE', ?, NULL, NULL, ?);
       SELECT c.id, c.kind, c.customerId, c.cardId, c.maxAmount, c.expiresAt, c.usedAt, card.id AS card_id, card.customerId AS card_customerId,
        card.status, card.institution, card.brand, card.last4, card.panCiphertext, card.panKeyId, card.expiryMonth, card.expiryYear, cu.confirmAbove
        FROM wallet_codes c LEFT JOIN cards card ON card.id = c.cardId LEFT JOIN customers cu ON cu.id = c.customerId WHERE c.codeHash = ?;
       UPDATE wallet_codes SET usedAt = ? WHERE codeHash = ? AND kind = 'PAYMENT' AND usedAt IS NULL AND expiresAt > ?`,
      [randomUUID(), `sql:${registerKeyId}`, key, "0".repeat(64), paymentId, now, codeHash, now, codeHash, now],
    );
    const [, , rows, claimed] = results as unknown as [unknown, unknown, Array<{ id: string; customerId: string; cardId: string; institution: string; brand: string; last4: string }>, { affectedRows: number }];
    const code = rows[0];
    if (!code) throw new Error("code not found");
    if (claimed.affectedRows !== 1) throw new Error("code already used");
    await conn.query(
      `INSERT INTO payments (id, status, amount, currency, items, reference, storeId, storeName, customerId, cardId, codeId,
        cardInstitution, cardBrand, cardLast4, approvalNumber, declineReason, createdAt, decidedAt, processingDeadline)
        VALUES (?, 'PROCESSING', 500, 'JPY', '[]', NULL, ?, 'Bench Store', ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL, ?); COMMIT`,
      [paymentId, storeId, code.customerId, code.cardId, code.id, code.institution, code.brand, code.last4, now, now],
    );

    const [decided] = await conn.query(
      `START TRANSACTION; UPDATE payments SET status = ?, approvalNumber = ?, declineReason = ?, decidedAt = ? WHERE id = ? AND status = ?;
       INSERT INTO ledger_entries (id, paymentId, customerId, storeId, entryType, amount, currency, createdAt)
        SELECT ?, ?, ?, ?, 'SALE', 500, 'JPY', ? FROM DUAL WHERE ROW_COUNT() > 0;
       INSERT INTO outbox_messages (id, topic, payload, attempts, nextAttemptAt, lockedUntil, leaseId, lastError, createdAt, deliveredAt)
        SELECT ?, 'bench.ceiling', '{}', 0, ?, NULL, NULL, NULL, ?, ? FROM DUAL WHERE ROW_COUNT() > 0; COMMIT`,
      ["APPROVED", "ABC123", null, now, paymentId, "PROCESSING", randomUUID(), paymentId, code.customerId, storeId, now, randomUUID(), now, now, now],
    );
    if ((decided as unknown as Array<{ affectedRows: number }>)[3].affectedRows !== 1) throw new Error("payment changed");
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    conn.release();
  }
}

/**
 * The least SQL that does a redeem's durable job, by hand: one transaction that claims
 * the code by its hash, reads the code's card, inserts the payment (decided) and the
 * outbox report, in two round trips (BEGIN with the first two, COMMIT with the last two).
 * No idempotency record, no payment PROCESSING before the institution is asked (so
 * nothing for a crash to recover), no ledger entry, no second transaction: a redeem
 * cannot be cheaper than this and keep its code used once and its report sent.
 */
export async function redeemByLeastSql(pool: Pool, codeHash: string, storeId: string): Promise<void> {
  const conn = await pool.getConnection();
  const now = new Date();
  const paymentId = randomUUID();
  try {
    const [results] = await conn.query(
      `START TRANSACTION; UPDATE wallet_codes SET usedAt = ? WHERE codeHash = ? AND kind = 'PAYMENT' AND usedAt IS NULL AND expiresAt > ?;
       SELECT c.id, c.customerId, c.cardId, card.institution, card.brand, card.last4, card.panCiphertext, card.expiryMonth, card.expiryYear
        FROM wallet_codes c JOIN cards card ON card.id = c.cardId WHERE c.codeHash = ?`,
      [now, codeHash, now, codeHash],
    );
    const [, claimed, rows] = results as unknown as [unknown, { affectedRows: number }, Array<{ id: string; customerId: string; cardId: string; institution: string; brand: string; last4: string }>];
    const code = rows[0];
    if (claimed.affectedRows !== 1 || !code) throw new Error("code not usable");
    await conn.query(
      `INSERT INTO payments (id, status, amount, currency, items, reference, storeId, storeName, customerId, cardId, codeId,
        cardInstitution, cardBrand, cardLast4, approvalNumber, declineReason, createdAt, decidedAt, processingDeadline)
        VALUES (?, 'APPROVED', 500, 'JPY', '[]', NULL, ?, 'Bench Store', ?, ?, ?, ?, ?, ?, 'ABC123', NULL, ?, ?, NULL);
       INSERT INTO outbox_messages (id, topic, payload, attempts, nextAttemptAt, lockedUntil, leaseId, lastError, createdAt, deliveredAt)
        VALUES (?, 'bench.ceiling', '{}', 0, ?, NULL, NULL, NULL, ?, ?); COMMIT`,
      [paymentId, storeId, code.customerId, code.cardId, code.id, code.institution, code.brand, code.last4, now, now, randomUUID(), now, now, now],
    );
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    conn.release();
  }
}
