import { createConnection, type Connection, type ExecuteValues } from "mysql2";
import type { Statement } from "./statements";

/**
 * Reads that must not queue behind the requests waiting for a pooled connection: an
 * instance's periodic looks whose answer is only worth something while it is recent (the
 * API-key cache's look for keys revoked lately, which the cache trusts for 750 ms). Under
 * load every pooled connection is held by a request and the pool's queue waits longer
 * than that, so on MySQL these reads go on one connection of their own, outside the pool.
 */
export interface AsideReads {
  select<R = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /** Closes the connection (the instance is closing); reads after it fail. */
  close(): Promise<void>;
}

/**
 * A MySQL connection of its own, opened at its first read with the data source's own
 * connection options (its URL, time zone and, with several nodes, its `stream`), and
 * opened afresh at the next read after it fails.
 */
export function mysqlAside(url: string, extra: Record<string, unknown>): AsideReads {
  let connection: Connection | null = null;
  let closed = false;
  const open = (): Connection => {
    const made = createConnection({ ...extra, uri: url, timezone: "Z", charset: "utf8mb4_unicode_ci" });
    made.on("error", () => {
      if (connection === made) connection = null;
    });
    return made;
  };
  return {
    select<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      if (closed) return Promise.reject(new Error("the aside connection is closed"));
      const using = (connection ??= open());
      return new Promise((resolve, reject) =>
        using.execute(sql, params.map((p) => p ?? null) as ExecuteValues, (error, rows) => {
          if (error && (error as { fatal?: boolean }).fatal && connection === using) connection = null;
          if (error) reject(error);
          else resolve(rows as R[]);
        }),
      );
    },
    close(): Promise<void> {
      closed = true;
      // At once, whatever is in flight: the instance is closing, and a look's answer no longer matters.
      connection?.destroy();
      connection = null;
      return Promise.resolve();
    },
  };
}

/** Where there is no pool to queue behind (SQLite): reads as the Db runs any other. */
export function sharedAside(select: (statement: Statement) => Promise<unknown>): AsideReads {
  return {
    select: async <R>(sql: string, params: readonly unknown[]) => (await select({ sql, params })) as R[],
    close: () => Promise.resolve(),
  };
}
