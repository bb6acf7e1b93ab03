import { createConnection, type Connection, type ResultSetHeader } from "mysql2/promise";
import { Db, createDataSource } from "../../src/database";
import { NODE_PORTS, clusterDatabase, ensureCluster, freshOnNode, galeraWanted, stopCluster } from "../../scripts/galera/cluster";

/**
 * A transaction on node 1 claims a key, then sends its last write with its COMMIT, while
 * a connection on node 2 inserts the same key: Galera aborts the transaction on node 1,
 * and, when the abort lands between the two texts, MariaDB may answer the last write and
 * the COMMIT with OK although nothing committed (the write's reply already shows no open
 * transaction). Plain SQL shows the database's behaviour and that the reply's server
 * status tells it; Db.tx must never resolve for a transaction that did not commit.
 * GALERA=1 runs it.
 */
const describeIf = galeraWanted ? describe : describe.skip;
jest.setTimeout(240_000);

/** SERVER_STATUS_IN_TRANS of an OK packet's status flags. */
const IN_TRANSACTION = 1;
const TRIES = 1000;

describeIf("a COMMIT that answers OK has committed (Galera)", () => {
  let startedCluster = false;
  let database: Awaited<ReturnType<typeof clusterDatabase>>;
  let rival: Connection;

  beforeAll(async () => {
    startedCluster = await ensureCluster();
    database = await clusterDatabase();
    const setup = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[0], user: "root", database: database.name, multipleStatements: true });
    await setup.query("CREATE TABLE claims (k VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB; CREATE TABLE pays (k VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB");
    await setup.end();
    // The rival inserts on node 2 once node 2 has the tables.
    await freshOnNode(2, `SELECT COUNT(*) FROM \`${database.name}\`.claims`);
    rival = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[1], user: "root", database: database.name });
  });

  afterAll(async () => {
    await rival?.end();
    await database?.drop();
    if (startedCluster) stopCluster();
  });

  /** Whether node 1, caught up, holds the pay row of `k`. */
  const paid = async (k: string) => (await freshOnNode(1, `SELECT k FROM \`${database.name}\`.pays WHERE k = ?`, [k])).length === 1;
  // The rival's write set reaches node 1 while its transaction waits between two texts.
  const idle = () => new Promise((resolve) => setImmediate(resolve));
  const rivalClaims = (k: string) => rival.query("INSERT INTO claims (k) VALUES (?)", [k]).catch(() => undefined);

  it("plain SQL: a write sent with the COMMIT whose reply shows the transaction open committed whenever the COMMIT answered OK", async () => {
    const node1 = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[0], user: "root", database: database.name, multipleStatements: true });
    const seen = { committed: 0, failed: 0, lostWithOpenStatus: 0, lostShownClosed: 0 };
    try {
      for (let i = 0; i < TRIES; i++) {
        const k = `plain-${i}`;
        try {
          await node1.query("START TRANSACTION; INSERT INTO claims (k) VALUES (?)", [k]);
          const racing = rivalClaims(k);
          await idle();
          const [replies] = await node1.query("INSERT INTO pays (k) VALUES (?); COMMIT", [k]);
          await racing;
          const write = (replies as ResultSetHeader[])[0];
          if (await paid(k)) seen.committed++;
          else if (write.serverStatus & IN_TRANSACTION) seen.lostWithOpenStatus++;
          else seen.lostShownClosed++;
        } catch {
          seen.failed++;
          await node1.query("ROLLBACK").catch(() => undefined);
        }
      }
    } finally {
      await node1.end();
    }
    process.stdout.write(`[galera] plain SQL, ${TRIES} tries: ${JSON.stringify(seen)}\n`);
    expect(seen.lostWithOpenStatus).toBe(0);
    expect(seen.committed).toBeGreaterThan(0);
  });

  it("Db.tx: a transaction whose last write travels with its COMMIT resolves only if it committed", async () => {
    const dataSource = await createDataSource({ databaseUrl: database.urls[0], dataDir: `/tmp/wallet-galera-commit-race-${process.pid}` });
    await dataSource.initialize();
    const seen = { committed: 0, failed: 0, resolvedUncommitted: 0 };
    try {
      const db = new Db(dataSource);
      expect(await db.detectCluster()).toBe(true);
      for (let i = 0; i < TRIES; i++) {
        const k = `tx-${i}`;
        let racing: Promise<unknown> | null = null;
        const resolved = await db
          .tx(async (tx) => {
            await tx.write("INSERT INTO claims (k) VALUES (?)", [k]);
            racing ??= rivalClaims(k);
            await idle();
            tx.atCommit({ sql: "INSERT INTO pays (k) VALUES (?)", params: [k] });
          })
          .then(
            () => true,
            () => false,
          );
        await racing;
        if (!resolved) seen.failed++;
        else if (await paid(k)) seen.committed++;
        else seen.resolvedUncommitted++;
      }
    } finally {
      await dataSource.destroy();
    }
    process.stdout.write(`[galera] Db.tx, ${TRIES} tries: ${JSON.stringify(seen)}\n`);
    expect(seen.resolvedUncommitted).toBe(0);
    expect(seen.committed).toBeGreaterThan(0);
    expect(seen.failed).toBeGreaterThan(0);
  });
});
