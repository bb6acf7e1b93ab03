import { randomUUID } from "node:crypto";
import { createConnection, type Connection } from "mysql2/promise";

/**
 * The seeder's SQL: values written as the server writes them, sent by a few connections
 * at once, as multi-row INSERTs of the rows only the seeder can make (sealed cards,
 * members) and as INSERT … SELECT statements that MariaDB makes rows with
 * (seed-sql-expr.ts). Values are built as SQL text here, not escaped one by one by the
 * driver: every string the seeder makes is ids, digits, hex, base64 or fixed words,
 * which `text` checks.
 */

/** 000 to fff, the id's counter digits. */
const HEX3 = Array.from({ length: 0x1000 }, (_, i) => i.toString(16).padStart(3, "0"));

/**
 * A UUIDv7 of the moment `ms`, shaped as services/kernel/ids.ts makes them, so a seeded
 * row sorts among the server's own by its time and id cursors page through it alike.
 */
export function idAt(ms: number): string {
  const time = Math.floor(ms).toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8)}-7${HEX3[(Math.random() * 0x1000) | 0]}-${randomUUID().slice(19)}`;
}

/** "YYYY-MM-DD HH:MM:" of each minute met lately: most rows' times fall in a few minutes. */
const minutes = new Map<number, string>();

/** A datetime(3) literal in UTC, as the server's connection (timezone "Z") writes it. */
export function at(ms: number): string {
  const whole = Math.floor(ms);
  const minute = Math.floor(whole / 60_000);
  let prefix = minutes.get(minute);
  if (prefix === undefined) {
    if (minutes.size > 10_000) minutes.clear();
    prefix = new Date(minute * 60_000).toISOString().slice(0, 17).replace("T", " ");
    minutes.set(minute, prefix);
  }
  const inMinute = whole - minute * 60_000;
  const seconds = Math.floor(inMinute / 1000);
  return `'${prefix}${seconds < 10 ? "0" : ""}${seconds}.${String(inMinute % 1000).padStart(3, "0")}'`;
}

/** A string literal of text the seeder made; never user text. */
export function text(value: string): string {
  if (value.includes("'") || value.includes("\\")) throw new Error("seed text must not need escaping");
  return `'${value}'`;
}


/** One INSERT … SELECT that makes a share of a table's rows inside MariaDB (seed-sql-expr.ts). */
export interface SqlJob {
  table: string;
  sql: string;
}

/** One table's rows, as VALUES tuples already written as SQL. */
export interface Batch {
  table: string;
  columns: string[];
  rows: string[];
}

/** Sends batches as multi-row INSERTs over its own connections, a few in flight at once. */
export class BulkWriter {
  /** Rows written, per table. */
  readonly written = new Map<string, number>();
  private constructor(private readonly connections: Connection[]) {}

  /**
   * `connections` sessions with unique_checks off: every unique key the seeder writes is
   * unique by construction (serial numbers and fresh ids), and InnoDB then leaves the
   * uniqueness lookups out of the insert. There are no foreign keys to check.
   */
  static async open(databaseUrl: string, connections: number): Promise<BulkWriter> {
    const opened = await Promise.all(
      Array.from({ length: connections }, async () => {
        const c = await createConnection({ uri: databaseUrl, timezone: "Z" });
        // UTC: the SQL-made rows' times are FROM_UNIXTIME of milliseconds.
        await c.query("SET SESSION unique_checks = 0, foreign_key_checks = 0, time_zone = '+00:00'");
        return c;
      }),
    );
    return new BulkWriter(opened);
  }

  /**
   * Writes every batch the source gives, each connection taking the next as soon as it is
   * free: making a batch (this process's CPU) overlaps the server's writing of others.
   */
  writeAll(source: Iterable<Batch[]>): Promise<void> {
    return this.share(source, async (connection, batches) => {
      for (const batch of batches) {
        if (batch.rows.length === 0) continue;
        await connection.query(`INSERT INTO ${batch.table} (${batch.columns.join(", ")}) VALUES ${batch.rows.join(",")}`);
        this.count(batch.table, batch.rows.length);
      }
    });
  }

  /** Runs the jobs, each connection taking the next when free, and counts the rows each made. */
  run(jobs: SqlJob[]): Promise<void> {
    return this.share(jobs, async (connection, job) => {
      const [result] = await connection.query(job.sql);
      this.count(job.table, (result as { affectedRows: number }).affectedRows);
    });
  }

  /** Runs the statements, each connection taking the next when free, and tells each one's time in seconds. */
  each(statements: Array<{ sql: string; done?: (seconds: number) => void }>): Promise<void> {
    return this.share(statements, async (connection, statement) => {
      const started = Date.now();
      await connection.query(statement.sql);
      statement.done?.((Date.now() - started) / 1000);
    });
  }

  /** Hands the items out to the connections, each taking the next as soon as it is free. */
  private async share<T>(items: Iterable<T>, use: (connection: Connection, item: T) => Promise<void>): Promise<void> {
    const iterator = items[Symbol.iterator]();
    await Promise.all(
      this.connections.map(async (connection) => {
        for (let next = iterator.next(); !next.done; next = iterator.next()) await use(connection, next.value);
      }),
    );
  }

  private count(table: string, rows: number): void {
    this.written.set(table, (this.written.get(table) ?? 0) + rows);
  }

  async query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    const [rows] = await this.connections[0].query(sql, values);
    return rows as T[];
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.end()));
  }
}
