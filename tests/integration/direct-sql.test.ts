import { In } from "typeorm";
import { Db, createDataSource, isUniqueViolation } from "../../src/database";
import { changedRows } from "../../src/database/direct-sql";
import { OutboxMessageEntity, PaymentEntity } from "../../src/entities";
import { createTestDatabase, engines } from "../support/databases";

/**
 * The hot paths write and read some rows with direct prepared statements and the rest
 * of the code reads them through TypeORM (and the other way round): both must see the
 * same values, dates to the millisecond, JSON and nulls included, on both engines.
 */
describe.each(engines)("direct SQL beside TypeORM (%s)", (engine) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase(engine);
    const dataSource = await createDataSource({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await dataSource.initialize();
    await dataSource.runMigrations();
    db = new Db(dataSource);
    drop = async () => {
      await dataSource.destroy();
      await database.drop();
    };
  });
  afterAll(() => drop());

  const payment = (id: string): PaymentEntity =>
    Object.assign(new PaymentEntity(), {
      id,
      status: "APPROVED",
      amount: 1234,
      currency: "JPY",
      items: [{ name: "Green tea", quantity: 2, unitPrice: 617 }],
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
      createdAt: new Date("2026-11-25T01:02:03.456Z"),
      decidedAt: new Date("2026-11-25T01:02:04.007Z"),
      processingDeadline: new Date("2026-11-25T01:02:06.007Z"),
    });

  it("inserts a row that TypeORM reads back unchanged", async () => {
    await db.tx((m) => db.sql(m).insert(PaymentEntity, payment("p-direct")));
    expect(await db.read((m) => m.findOneByOrFail(PaymentEntity, { id: "p-direct" }))).toEqual(payment("p-direct"));
  });

  it("reads a row TypeORM wrote back into the same entity", async () => {
    await db.tx((m) => m.insert(PaymentEntity, payment("p-orm")));
    const [row] = await db.read((m) => db.sql(m).select(`SELECT ${db.selectList(PaymentEntity, "p", "x_")} FROM payments p WHERE p.id = ?`, ["p-orm"]));
    expect(db.hydrate(PaymentEntity, row, "x_")).toEqual(payment("p-orm"));
    expect(db.hydrate(PaymentEntity, { x_id: null }, "x_")).toBeNull();
  });

  it("selects and reads back only the properties listed, with the primary key", async () => {
    const fields = ["amount", "createdAt", "items"] as const;
    const list = db.selectList(PaymentEntity, "p", "", fields);
    expect(list.split(", ")).toHaveLength(4);
    const [row] = await db.read((m) => db.sql(m).select(`SELECT ${list} FROM payments p WHERE p.id = ?`, ["p-orm"]));
    const full = payment("p-orm");
    expect({ ...db.hydrate(PaymentEntity, row, "", fields) }).toEqual({ id: full.id, amount: full.amount, createdAt: full.createdAt, items: full.items });
    expect(() => db.selectList(PaymentEntity, "p", "", ["amount", "nope" as "amount"])).toThrow("no column for property nope");
  });

  it("compares dates it binds with dates TypeORM stored, and counts changed rows", async () => {
    await db.tx((m) => m.insert(PaymentEntity, { ...payment("p-dates"), status: "PROCESSING" }));
    const update = "UPDATE payments SET status = 'DECLINED' WHERE id = ? AND status = 'PROCESSING' AND createdAt < ?";
    expect(await db.tx((m) => db.sql(m).write(update, ["p-dates", new Date("2026-11-25T01:02:03.456Z")]))).toBe(0);
    expect(await db.tx((m) => db.sql(m).write(update, ["p-dates", new Date("2026-11-25T01:02:03.457Z")]))).toBe(1);
    expect(await db.tx((m) => db.sql(m).write(update, ["p-dates", new Date("2026-11-25T01:02:03.457Z")]))).toBe(0);
  });

  it("takes part in the manager's transaction, with TypeORM's own calls: a rollback undoes both", async () => {
    await expect(
      db.tx(async (m) => {
        await db.sql(m).insert(PaymentEntity, payment("p-rolled-back-direct"));
        await m.insert(PaymentEntity, payment("p-rolled-back-orm"));
        expect(await m.countBy(PaymentEntity, { status: "APPROVED" })).toBeGreaterThanOrEqual(2);
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    expect(await db.read((m) => m.findOneBy(PaymentEntity, { id: "p-rolled-back-direct" }))).toBeNull();
    expect(await db.read((m) => m.findOneBy(PaymentEntity, { id: "p-rolled-back-orm" }))).toBeNull();

    await db.tx(async (m) => {
      await db.sql(m).insert(PaymentEntity, payment("p-committed-direct"));
      await m.insert(PaymentEntity, payment("p-committed-orm"));
    });
    expect(await db.read((m) => m.countBy(PaymentEntity, { id: In(["p-committed-direct", "p-committed-orm"]) }))).toBe(2);
  });

  it("finishes a transaction with its last writes: all of it commits, or none of it", async () => {
    await db.tx(async (m) => {
      const sql = db.sql(m);
      await sql.insert(PaymentEntity, payment("p-finish-1"));
      await sql.finish([sql.insertStatement(PaymentEntity, payment("p-finish-2")), sql.insertStatement(PaymentEntity, payment("p-finish-3"))]);
      // MySQL has committed already (the COMMIT went with those writes): nothing may follow.
      if (engine === "mysql") await expect(sql.write("DELETE FROM payments WHERE id = ?", ["p-finish-1"])).rejects.toThrow("finished");
    });
    expect(await db.read((m) => m.countBy(PaymentEntity, { id: In(["p-finish-1", "p-finish-2", "p-finish-3"]) }))).toBe(3);

    // The second write of the finishing batch is a duplicate: the first, and the insert
    // before the batch, are undone with it.
    const failed = await db
      .tx(async (m) => {
        const sql = db.sql(m);
        await sql.insert(PaymentEntity, payment("p-unfinished-1"));
        await sql.finish([sql.insertStatement(PaymentEntity, payment("p-unfinished-2")), sql.insertStatement(PaymentEntity, payment("p-finish-3"))]);
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(failed)).toBe(true);
    expect(await db.read((m) => m.countBy(PaymentEntity, { id: In(["p-unfinished-1", "p-unfinished-2"]) }))).toBe(0);
  });

  it("sends a batch as the transaction's first statements and answers each in order; a failure undoes all of it", async () => {
    const results = await db.tx(async (m) => {
      const sql = db.sql(m);
      const answered = await sql.batch([
        sql.insertStatement(PaymentEntity, payment("p-batch-1")),
        { sql: "SELECT id, amount FROM payments WHERE id = ?", params: ["p-batch-1"] },
        { sql: "UPDATE payments SET reference = ? WHERE id = ? AND reference IS NULL", params: ["batched", "p-batch-1"] },
        { sql: "UPDATE payments SET reference = ? WHERE id = ? AND reference IS NULL", params: ["again", "p-batch-1"] },
      ]);
      await sql.finish([]);
      return answered;
    });
    expect(results).toHaveLength(4);
    expect(results[1]).toEqual([{ id: "p-batch-1", amount: 1234 }]);
    expect(results.slice(2).map(changedRows)).toEqual([1, 0]);
    expect((await db.read((m) => m.findOneByOrFail(PaymentEntity, { id: "p-batch-1" }))).reference).toBe("batched");

    // The second insert is a duplicate: the batch stops there and the first is undone.
    const failed = await db
      .tx(async (m) => {
        const sql = db.sql(m);
        await sql.batch([sql.insertStatement(PaymentEntity, payment("p-batch-2")), sql.insertStatement(PaymentEntity, payment("p-batch-1"))]);
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(failed)).toBe(true);
    expect(await db.read((m) => m.countBy(PaymentEntity, { id: "p-batch-2" }))).toBe(0);
  });

  it("leaves no transaction behind when the very first statement fails", async () => {
    const failed = await db.tx((m) => db.sql(m).insert(PaymentEntity, payment("p-finish-1"))).catch((e: unknown) => e);
    expect(isUniqueViolation(failed)).toBe(true);
    // Every pooled connection is still usable, outside and inside transactions.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.tx(async (m) => {
          await db.sql(m).insert(PaymentEntity, payment(`p-after-failure-${i}`));
          await m.update(PaymentEntity, { id: `p-after-failure-${i}` }, { reference: "ok" });
        }),
      ),
    );
    expect(await db.read((m) => m.countBy(PaymentEntity, { reference: "ok" }))).toBe(8);
  });

  it("reports a duplicate key as a unique violation", async () => {
    const error = await db.tx((m) => db.sql(m).insert(PaymentEntity, payment("p-direct"))).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it("refuses an insert that leaves out a required column rather than writing a null", async () => {
    const partial = { id: "o-1", topic: "t", payload: {}, attempts: 0, createdAt: new Date() } as unknown as OutboxMessageEntity;
    await expect(db.tx((m) => db.sql(m).insert(OutboxMessageEntity, partial))).rejects.toThrow("without nextAttemptAt");
  });

  // Only InnoDB has row locks to deadlock on; SQLite runs transactions one at a time.
  if (engine === "mysql")
    it("runs a transaction InnoDB chose as a deadlock victim again, so both commit", async () => {
      await db.tx(async (m) => {
        await db.sql(m).insert(PaymentEntity, payment("p-lock-a"));
        await db.sql(m).insert(PaymentEntity, payment("p-lock-b"));
      });
      let bothHoldOne!: () => void;
      const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
      let holding = 0;
      let attempts = 0;
      const crossing = (first: string, second: string, column: "approvalNumber" | "declineReason", value: string) =>
        db.tx(async (m) => {
          attempts++;
          const sql = db.sql(m);
          await sql.write(`UPDATE payments SET ${column} = ? WHERE id = ?`, [value, first]);
          if (++holding === 2) bothHoldOne();
          await barrier;
          await sql.write(`UPDATE payments SET ${column} = ? WHERE id = ?`, [value, second]);
        });
      await Promise.all([crossing("p-lock-a", "p-lock-b", "approvalNumber", "T1"), crossing("p-lock-b", "p-lock-a", "declineReason", "t2")]);
      expect(attempts).toBe(3);
      const rows = await db.read((m) => m.findBy(PaymentEntity, { id: In(["p-lock-a", "p-lock-b"]) }));
      expect(rows.map((r) => [r.approvalNumber, r.declineReason])).toEqual([
        ["T1", "t2"],
        ["T1", "t2"],
      ]);
    });
});
