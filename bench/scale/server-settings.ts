import { totalmem } from "node:os";
import { createConnection } from "mysql2/promise";

/**
 * What a MariaDB holding a year of a mid-size operator is given: a buffer pool that holds
 * the hot part of its tables and indexes, and a redo log that lets a bulk load run
 * without a checkpoint every few seconds. A fresh install's defaults (a 128 MB pool, a
 * 96 MB log) would measure the disk, not the paths: the seed's joins alone read pages
 * back from disk by the gigabyte. Both are dynamic in
 * MariaDB 10.9 and later, so the bench raises them for its run and puts them back after.
 */
const WANTED = {
  innodb_buffer_pool_size: 4 * 2 ** 30,
  innodb_log_file_size: 2 ** 30,
};

/**
 * Runs `work` with the server's settings raised to WANTED where they are below it (never
 * lowered, and the pool at most a quarter of this machine's memory), then restores them.
 * A server that refuses (no privilege, an older version) is measured as it is, and says so.
 */
export async function withServerSizedForAYear<T>(mysqlBase: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const connection = await createConnection({ uri: mysqlBase });
  const restore: Array<[string, number]> = [];
  try {
    for (const [name, wanted] of Object.entries(WANTED)) {
      const target = name === "innodb_buffer_pool_size" ? Math.min(wanted, Math.floor(totalmem() / 4)) : wanted;
      const [rows] = await connection.query(`SELECT @@GLOBAL.${name} AS value`);
      const current = Number((rows as Array<{ value: string }>)[0].value);
      if (current >= target) continue;
      try {
        await connection.query(`SET GLOBAL ${name} = ${target}`);
        restore.push([name, current]);
        log(`server: ${name} ${mb(current)} -> ${mb(target)} MB for this run`);
      } catch (error) {
        log(`server: ${name} stays ${mb(current)} MB (${error instanceof Error ? error.message : String(error)}): the seeded side will read from disk`);
      }
    }
  } finally {
    await connection.end();
  }
  try {
    return await work();
  } finally {
    if (restore.length > 0) {
      const again = await createConnection({ uri: mysqlBase });
      try {
        for (const [name, value] of restore) await again.query(`SET GLOBAL ${name} = ${value}`);
        log(`server: ${restore.map(([name, value]) => `${name} back to ${mb(value)} MB`).join(", ")}`);
      } finally {
        await again.end();
      }
    }
  }
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
