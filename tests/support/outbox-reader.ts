import { join } from "node:path";
import Database from "better-sqlite3";
import { createConnection } from "mysql2/promise";
import type { TestDatabase } from "./databases";

export interface OutboxRow {
  topic: string;
  leaseId: string | null;
  delivered: boolean;
  deliveredAt: Date | null;
  /** Until when the row's lease keeps other instances from it. */
  lockedUntil: Date | null;
  paymentId: string;
}

/** A time column as either driver returns it: mysql2 a Date (read as UTC), SQLite TypeORM's UTC text. */
const timeOf = (value: Date | string | null): Date | null => (value === null ? null : value instanceof Date ? value : new Date(`${value.replace(" ", "T")}Z`));

/**
 * Reads a server's outbox rows straight from its database, from outside the server
 * process: what a test of a killed instance sees of the work it left behind.
 */
export async function readOutbox(database: TestDatabase): Promise<OutboxRow[]> {
  const sql = "SELECT topic, leaseId, deliveredAt, lockedUntil, payload FROM outbox_messages ORDER BY createdAt, id";
  let rows: Array<{ topic: string; leaseId: string | null; deliveredAt: Date | string | null; lockedUntil: Date | string | null; payload: string }>;
  if (database.databaseUrl) {
    const connection = await createConnection({ uri: database.databaseUrl, timezone: "Z" });
    try {
      [rows] = (await connection.query(sql)) as unknown as [typeof rows];
    } finally {
      await connection.end();
    }
  } else {
    const sqlite = new Database(join(database.dataDir, "wallet.sqlite"), { readonly: true, fileMustExist: true });
    try {
      rows = sqlite.prepare(sql).all() as typeof rows;
    } finally {
      sqlite.close();
    }
  }
  return rows.map((row) => ({
    topic: row.topic,
    leaseId: row.leaseId,
    delivered: row.deliveredAt !== null,
    deliveredAt: timeOf(row.deliveredAt),
    lockedUntil: timeOf(row.lockedUntil),
    paymentId: String((JSON.parse(row.payload) as { paymentId?: unknown }).paymentId),
  }));
}
