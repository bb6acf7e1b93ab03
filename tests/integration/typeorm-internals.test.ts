import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataSource, QueryRunner } from "typeorm";
import { Db } from "../../src/database";
import { TRANSACTION_TEXTS, interceptQueries, mysqlConnectionOf, mysqlPoolOf, sqliteDatabaseOf } from "../../src/database/typeorm-internals";
import { PaymentEntity, StoreEntity } from "../../src/entities";
import { engines, migratedDataSource } from "../support/databases";

/**
 * What src/database relies on in TypeORM beyond its documented API (the list is in
 * src/database/typeorm-internals.ts). When a TypeORM upgrade moves one of these, this
 * file fails, naming it; the transactions would otherwise go wrong quietly (a BEGIN sent
 * twice commits half a transaction on MySQL).
 */
const root = join(__dirname, "..", "..");
const json = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8"));

describe("the typeorm version", () => {
  it("is pinned exactly, and is the one installed", () => {
    const pinned = json("package.json").dependencies.typeorm as string;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(json("node_modules/typeorm/package.json").version).toBe(pinned);
  });
});

describe.each(engines)("TypeORM internals the transactions rely on (%s)", (engine) => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  const texts = TRANSACTION_TEXTS[engine];

  beforeAll(async () => {
    ({ dataSource, drop } = await migratedDataSource(engine));
  });
  afterAll(() => drop());

  /** Every statement TypeORM sends on `runner` while `work` runs, as `interceptQueries` sees it. */
  async function seen(runner: QueryRunner, work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const restore = interceptQueries(runner, (sql, params, structured, send) => {
      sent.push(sql);
      return send(sql, params, structured);
    });
    try {
      await work();
    } finally {
      restore();
    }
    return sent;
  }

  it("1. sends every manager call and the transaction methods through the runner's own `query`, with these texts", async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const sent = await seen(runner, async () => {
        await runner.startTransaction();
        await runner.manager.insert(StoreEntity, { id: "s-internals", name: "Internals", currency: "JPY", programId: null, createdAt: new Date() });
        await runner.manager.findOneByOrFail(StoreEntity, { id: "s-internals" });
        // TypeORM sees the transaction: save() opens none of its own.
        expect(runner.isTransactionActive).toBe(true);
        await runner.manager.save(Object.assign(new StoreEntity(), { id: "s-internals", name: "Saved", currency: "JPY", programId: null, createdAt: new Date() }));
        await runner.rollbackTransaction();
        await runner.startTransaction();
        await runner.commitTransaction();
      });
      expect(sent[0]).toBe(texts.begin);
      expect(sent.filter((sql) => sql === texts.begin)).toHaveLength(2);
      expect(sent).toContain(texts.rollback);
      expect(sent[sent.length - 1]).toBe(texts.commit);
      expect(sent.filter((sql) => /^INSERT INTO/i.test(sql))).toHaveLength(1);
      expect(sent.some((sql) => /^SELECT/i.test(sql))).toBe(true);
      expect(sent.filter((sql) => /^UPDATE/i.test(sql))).toHaveLength(1);
      // After undoing the interception, the prototype's `query` is back, and still works.
      expect(Object.prototype.hasOwnProperty.call(runner, "query")).toBe(false);
      expect(await runner.manager.countBy(StoreEntity, { id: "s-internals" })).toBe(0);
    } finally {
      await runner.release();
    }
  });

  it("1. lets a nested TypeORM transaction become a savepoint, through the same `query`", async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const sent = await seen(runner, async () => {
        await runner.startTransaction();
        await runner.manager.transaction(async (nested) => nested.countBy(StoreEntity, {}));
        await runner.commitTransaction();
      });
      expect(sent.filter((sql) => /SAVEPOINT/.test(sql))).toHaveLength(2);
      expect(sent.filter((sql) => sql === texts.begin || sql === texts.commit)).toHaveLength(2);
    } finally {
      await runner.release();
    }
  });

  if (engine === "mysql") {
    it("2. hands over the runner's own mysql2 connection, and the pool, with the callback API", async () => {
      const runner = dataSource.createQueryRunner();
      try {
        const connection = await mysqlConnectionOf(runner);
        expect(typeof connection.query).toBe("function");
        expect(typeof connection.execute).toBe("function");
        const viaConnection = await new Promise<unknown>((resolve, reject) =>
          connection.query("SELECT CONNECTION_ID() AS id", [], (error, rows) => (error ? reject(error) : resolve(rows))),
        );
        const viaRunner = await runner.query("SELECT CONNECTION_ID() AS id");
        expect(viaConnection).toEqual(viaRunner);
        const pool = mysqlPoolOf(dataSource);
        const viaPool = await new Promise<unknown>((resolve, reject) => pool.execute("SELECT 1 AS one", [], (error, rows) => (error ? reject(error) : resolve(rows))));
        expect(viaPool).toEqual([{ one: 1 }]);
      } finally {
        await runner.release();
      }
    });
  } else {
    it("3. hands over the better-sqlite3 database, and the same runner to every caller", async () => {
      const database = sqliteDatabaseOf(dataSource);
      const statement = database.prepare("SELECT 1 AS one");
      expect(statement.reader).toBe(true);
      expect(statement.all()).toEqual([{ one: 1 }]);
      expect(dataSource.createQueryRunner()).toBe(dataSource.createQueryRunner());
    });
  }

  it("lets a Tx be the runner's manager for the transaction, and not after it", async () => {
    const db = new Db(dataSource);
    let kept: unknown = null;
    let runner: QueryRunner | undefined;
    await db.tx(async (tx) => {
      kept = tx;
      runner = tx.queryRunner;
      expect(runner?.manager === tx).toBe(true);
      expect(runner?.isTransactionActive).toBe(true);
      await tx.countBy(PaymentEntity, {});
    });
    // SQLite's runner is shared by every caller: it must not keep the transaction's manager.
    expect(runner?.manager === kept).toBe(false);
    expect(runner?.isTransactionActive).toBe(false);
  });
});
