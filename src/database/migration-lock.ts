import type { DataSource, Migration } from "typeorm";

/** The named lock every instance takes on MySQL/MariaDB before it looks for migrations to run. */
const LOCK_NAME = "wallet-center:migrations";
/** A migration of a large table can take a while; an instance waits this long for another's. */
const LOCK_WAIT_SECONDS = 600;

/**
 * Runs the migrations this code knows and the database lacks, each in its own
 * transaction. On MySQL and MariaDB instances that start at once take turns under a
 * named lock (GET_LOCK), so one runs them and the others find them done. On a Galera
 * cluster that lock holds only among instances on the same node (GET_LOCK is not
 * replicated): there, start one instance first and the others once it is up
 * (docs/scale.md). SQLite has one server process by nature and needs no lock.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type === "better-sqlite3") return dataSource.runMigrations({ transaction: "each" });
  const runner = dataSource.createQueryRunner();
  try {
    const [{ got }] = (await runner.query("SELECT GET_LOCK(?, ?) AS got", [LOCK_NAME, LOCK_WAIT_SECONDS])) as Array<{ got: number | null }>;
    if (Number(got) !== 1) throw new Error(`another instance held the migration lock for ${LOCK_WAIT_SECONDS} s`);
    try {
      return await dataSource.runMigrations({ transaction: "each" });
    } finally {
      await runner.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]);
    }
  } finally {
    await runner.release();
  }
}
