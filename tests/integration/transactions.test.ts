import { In } from "typeorm";
import { Db, isUniqueViolation, row, type AtCommit, type Tx } from "../../src/database";
import { OutboxMessageEntity, PaymentEntity } from "../../src/entities";
import { engines, migratedDataSource } from "../support/databases";
import { lockStep } from "../support/lock-step";
import { paymentRow } from "../support/payment-row";

/**
 * Transactions of Db.tx, the same on both engines: direct statements beside TypeORM
 * (both must see the same values, dates to the millisecond, JSON and nulls included),
 * statements deferred to the next round trip and writes sent with the COMMIT, rows that
 * depend on an earlier write, and what runs once a transaction has committed.
 */
describe.each(engines)("transactions (%s)", (engine) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await migratedDataSource(engine);
    db = new Db(opened.dataSource);
    drop = opened.drop;
  });
  afterAll(() => drop());

  // Dates to the millisecond and JSON items: both engines must give back exactly these.
  const payment = (id: string): PaymentEntity =>
    paymentRow(id, {
      amount: 1234,
      items: [{ name: "Green tea", quantity: 2, unitPrice: 617 }],
      createdAt: new Date("2026-11-25T01:02:03.456Z"),
      decidedAt: new Date("2026-11-25T01:02:04.007Z"),
      processingDeadline: new Date("2026-11-25T01:02:06.007Z"),
    });

  const count = (...ids: string[]) => db.read((m) => m.countBy(PaymentEntity, { id: In(ids) }));
  const referenceOf = async (id: string) => (await db.read((m) => m.findOneByOrFail(PaymentEntity, { id }))).reference;
  const failureOf = (work: (tx: Tx) => Promise<unknown>) => db.tx(work).then(() => null, (e: unknown) => e);

  it("inserts a row that TypeORM reads back unchanged", async () => {
    await db.tx((tx) => tx.add(PaymentEntity, payment("p-direct")));
    expect(await db.read((m) => m.findOneByOrFail(PaymentEntity, { id: "p-direct" }))).toEqual(payment("p-direct"));
  });

  it("reads a row TypeORM wrote back into the same entity", async () => {
    await db.tx((tx) => tx.insert(PaymentEntity, payment("p-orm")));
    const [found] = await db.select(`SELECT ${db.selectList(PaymentEntity, "p", "x_")} FROM payments p WHERE p.id = ?`, ["p-orm"]);
    expect(db.hydrate(PaymentEntity, found, "x_")).toEqual(payment("p-orm"));
    expect(db.hydrate(PaymentEntity, { x_id: null }, "x_")).toBeNull();
    const [inTx] = await db.tx((tx) => tx.select(`SELECT ${db.selectList(PaymentEntity, "p")} FROM payments p WHERE p.id = ?`, ["p-orm"]));
    expect(db.hydrate(PaymentEntity, inTx)).toEqual(payment("p-orm"));
  });

  it("selects and reads back only the properties listed, with the primary key", async () => {
    const fields = ["amount", "createdAt", "items"] as const;
    const list = db.selectList(PaymentEntity, "p", "", fields);
    expect(list.split(", ")).toHaveLength(4);
    const [found] = await db.select(`SELECT ${list} FROM payments p WHERE p.id = ?`, ["p-orm"]);
    const full = payment("p-orm");
    expect({ ...db.hydrate(PaymentEntity, found, "", fields) }).toEqual({ id: full.id, amount: full.amount, createdAt: full.createdAt, items: full.items });
    expect(() => db.selectList(PaymentEntity, "p", "", ["amount", "nope" as "amount"])).toThrow("no column for property nope");
  });

  it("compares dates it binds with dates TypeORM stored, and counts changed rows, in and outside transactions", async () => {
    await db.tx((tx) => tx.insert(PaymentEntity, { ...payment("p-dates"), status: "PROCESSING" }));
    const update = "UPDATE payments SET status = 'DECLINED' WHERE id = ? AND status = 'PROCESSING' AND createdAt < ?";
    expect(await db.tx((tx) => tx.write(update, ["p-dates", new Date("2026-11-25T01:02:03.456Z")]))).toBe(0);
    expect(await db.write(update, ["p-dates", new Date("2026-11-25T01:02:03.456Z")])).toBe(0);
    expect(await db.tx((tx) => tx.write(update, ["p-dates", new Date("2026-11-25T01:02:03.457Z")]))).toBe(1);
    expect(await db.write(update, ["p-dates", new Date("2026-11-25T01:02:03.457Z")])).toBe(0);
  });

  it("takes part in one transaction with TypeORM's own calls: a rollback undoes both", async () => {
    const abandoned = await failureOf(async (tx) => {
      await tx.add(PaymentEntity, payment("p-rolled-back-direct"));
      await tx.insert(PaymentEntity, payment("p-rolled-back-orm"));
      expect(await tx.countBy(PaymentEntity, { id: In(["p-rolled-back-direct", "p-rolled-back-orm"]) })).toBe(2);
      throw new Error("abandon");
    });
    expect((abandoned as Error).message).toBe("abandon");
    expect(await count("p-rolled-back-direct", "p-rolled-back-orm")).toBe(0);

    await db.tx(async (tx) => {
      await tx.add(PaymentEntity, payment("p-committed-direct"));
      await tx.insert(PaymentEntity, payment("p-committed-orm"));
    });
    expect(await count("p-committed-direct", "p-committed-orm")).toBe(2);
  });

  it("answers statements sent together each in order; a failure among them undoes the whole transaction", async () => {
    const [rows, first, again] = await db.tx(async (tx) => {
      await tx.add(PaymentEntity, payment("p-together-1"));
      return Promise.all([
        tx.select("SELECT id, amount FROM payments WHERE id = ?", ["p-together-1"]),
        tx.write("UPDATE payments SET reference = ? WHERE id = ? AND reference IS NULL", ["together", "p-together-1"]),
        tx.write("UPDATE payments SET reference = ? WHERE id = ? AND reference IS NULL", ["again", "p-together-1"]),
      ]);
    });
    expect(rows).toEqual([{ id: "p-together-1", amount: 1234 }]);
    expect([first, again]).toEqual([1, 0]);
    expect(await referenceOf("p-together-1")).toBe("together");

    // The second insert is a duplicate: the first is undone with it, and so is the write before.
    const failed = await failureOf(async (tx) => {
      await tx.write("UPDATE payments SET reference = 'changed' WHERE id = ?", ["p-together-1"]);
      await Promise.all([tx.add(PaymentEntity, payment("p-together-2")), tx.add(PaymentEntity, payment("p-together-1"))]);
    });
    expect(isUniqueViolation(failed)).toBe(true);
    expect(await count("p-together-2")).toBe(0);
    expect(await referenceOf("p-together-1")).toBe("together");
  });

  it("sends a deferred write with the next statement: its failure fails that statement and the transaction", async () => {
    const read = await db.tx(async (tx) => {
      tx.defer(row(PaymentEntity, payment("p-deferred-1")));
      // The SELECT travels after the deferred insert, so it sees the row.
      return tx.select("SELECT id FROM payments WHERE id = ?", ["p-deferred-1"]);
    });
    expect(read).toEqual([{ id: "p-deferred-1" }]);

    // Deferred before a TypeORM call: it goes first too.
    expect(
      await db.tx(async (tx) => {
        tx.defer(row(PaymentEntity, payment("p-deferred-2")));
        return tx.countBy(PaymentEntity, { id: "p-deferred-2" });
      }),
    ).toBe(1);

    // With nothing after it, it goes with the COMMIT.
    await db.tx(async (tx) => tx.defer({ sql: "UPDATE payments SET reference = 'deferred' WHERE id = ?", params: ["p-deferred-1"] }));
    expect(await referenceOf("p-deferred-1")).toBe("deferred");

    // A duplicate: the statement it travels with rejects, and nothing of the transaction stays.
    const failed = await failureOf(async (tx) => {
      await tx.add(PaymentEntity, payment("p-deferred-3"));
      tx.defer(row(PaymentEntity, payment("p-deferred-1")));
      await tx.select("SELECT 1 AS one", []);
      throw new Error("not reached");
    });
    expect(isUniqueViolation(failed)).toBe(true);
    expect(await count("p-deferred-3")).toBe(0);
  });

  it("sends writes at commit last, after everything the work sent; all of it commits, or none of it", async () => {
    await db.tx(async (tx) => {
      await tx.add(PaymentEntity, payment("p-commit-1"));
      tx.atCommit({ sql: "UPDATE payments SET reference = 'last' WHERE id = ?", params: ["p-commit-1"] });
      tx.atCommit(row(PaymentEntity, payment("p-commit-2")));
      // Sent after the writes at commit were asked for, and still before them.
      await tx.write("UPDATE payments SET reference = 'first' WHERE id = ?", ["p-commit-1"]);
    });
    expect(await count("p-commit-1", "p-commit-2")).toBe(2);
    expect(await referenceOf("p-commit-1")).toBe("last");

    // The last write at commit is a duplicate: everything before it is undone.
    const failed = await failureOf(async (tx) => {
      await tx.add(PaymentEntity, payment("p-uncommitted-1"));
      tx.atCommit(row(PaymentEntity, payment("p-uncommitted-2")));
      tx.atCommit(row(PaymentEntity, payment("p-commit-2")));
    });
    expect(isUniqueViolation(failed)).toBe(true);
    expect(await count("p-uncommitted-1", "p-uncommitted-2")).toBe(0);
  });

  it("inserts a row at commit only if the write it depends on changed a row, decided in the same round trip", async () => {
    await db.tx((tx) => tx.add(PaymentEntity, { ...payment("p-guard"), status: "PROCESSING" }));
    const decide = (id: string) =>
      db.tx(async (tx) => {
        const moved = tx.atCommit({ sql: "UPDATE payments SET status = 'APPROVED' WHERE id = ? AND status = 'PROCESSING'", params: ["p-guard"] });
        const first = tx.atCommit(row(PaymentEntity, payment(`${id}-a`)), { onlyIf: moved });
        const second = tx.atCommit(row(PaymentEntity, payment(`${id}-b`)), { onlyIf: moved });
        const always = tx.atCommit(row(PaymentEntity, payment(`${id}-c`)));
        return { moved, first, second, always };
      });
    const changed = (handles: Record<string, AtCommit>) => Object.fromEntries(Object.entries(handles).map(([k, h]) => [k, h.changed]));
    expect(changed(await decide("p-won"))).toEqual({ moved: 1, first: 1, second: 1, always: 1 });
    expect(await count("p-won-a", "p-won-b", "p-won-c")).toBe(3);
    // Decided already: the dependent rows are not inserted, the unconditional one is.
    expect(changed(await decide("p-lost"))).toEqual({ moved: 0, first: 0, second: 0, always: 1 });
    expect(await count("p-lost-a", "p-lost-b", "p-lost-c")).toBe(1);

    // The rules: a dependent row depends on an unconditional write, and only a row's insert can depend.
    const rules = await failureOf(async (tx) => {
      const guard = tx.atCommit({ sql: "DELETE FROM payments WHERE id = 'none'", params: [] });
      const dependent = tx.atCommit(row(PaymentEntity, payment("y")), { onlyIf: guard });
      expect(() => tx.atCommit(row(PaymentEntity, payment("z")), { onlyIf: dependent })).toThrow("unconditional");
      expect(() => tx.atCommit({ sql: "DELETE FROM payments", params: [] }, { onlyIf: guard })).toThrow("only a row");
      throw new Error("only checking the rules");
    });
    expect((rules as Error).message).toBe("only checking the rules");
    expect(await count("y", "z")).toBe(0);
  });

  it("runs what is asked for after the commit once it committed, and never after a rollback", async () => {
    const ran: string[] = [];
    let seenInside: Promise<number> | null = null;
    const result = await db.tx(async (tx) => {
      tx.afterCommit(() => ran.push("first"));
      tx.atCommit(row(PaymentEntity, payment("p-after-1")));
      tx.afterCommit(() => {
        ran.push("second");
        // It runs after the commit: another reader sees the row.
        seenInside = count("p-after-1");
      });
      expect(ran).toEqual([]);
      return "done";
    });
    expect(result).toBe("done");
    expect(ran).toEqual(["first", "second"]);
    expect(await seenInside).toBe(1);

    const failed = await failureOf(async (tx) => {
      tx.afterCommit(() => ran.push("rolled back"));
      tx.atCommit(row(PaymentEntity, payment("p-after-1"))); // a duplicate: the commit fails
    });
    expect(isUniqueViolation(failed)).toBe(true);
    await failureOf(async (tx) => {
      tx.afterCommit(() => ran.push("thrown"));
      throw new Error("no");
    });
    expect(ran).toEqual(["first", "second"]);
  });

  it("refuses statements once the transaction is over", async () => {
    let kept!: Tx;
    await db.tx(async (tx) => {
      kept = tx;
    });
    expect(() => kept.defer({ sql: "SELECT 1", params: [] })).toThrow("over");
    expect(() => kept.atCommit({ sql: "SELECT 1", params: [] })).toThrow("over");
    expect(() => kept.afterCommit(() => undefined)).toThrow("over");
    await expect(kept.select("SELECT 1", [])).rejects.toThrow("over");
  });

  it("leaves no transaction behind when the very first statement fails", async () => {
    const failed = await failureOf((tx) => tx.add(PaymentEntity, payment("p-commit-1")));
    expect(isUniqueViolation(failed)).toBe(true);
    // Every pooled connection is still usable, outside and inside transactions.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.tx(async (tx) => {
          await tx.add(PaymentEntity, payment(`p-after-failure-${i}`));
          await tx.update(PaymentEntity, { id: `p-after-failure-${i}` }, { reference: "ok" });
        }),
      ),
    );
    expect(await db.read((m) => m.countBy(PaymentEntity, { reference: "ok" }))).toBe(8);
  });

  it("commits a transaction that sent nothing, and one that only used TypeORM", async () => {
    expect(await db.tx(async () => 7)).toBe(7);
    expect(await db.tx((tx) => tx.countBy(PaymentEntity, { id: "p-commit-1" }))).toBe(1);
    await db.tx((tx) => tx.update(PaymentEntity, { id: "p-commit-2" }, { reference: "orm" }));
    expect(await referenceOf("p-commit-2")).toBe("orm");
  });

  it("refuses an insert that leaves out a required column rather than writing a null", async () => {
    const partial = { id: "o-1", topic: "t", payload: {}, attempts: 0, createdAt: new Date() } as unknown as OutboxMessageEntity;
    await expect(db.tx((tx) => tx.add(OutboxMessageEntity, partial))).rejects.toThrow("without nextAttemptAt");
  });

  // Only InnoDB has row locks to deadlock on; SQLite runs transactions one at a time.
  if (engine === "mysql")
    it("runs a transaction InnoDB chose as a deadlock victim again, so both commit, and only the attempt that committed acts after it", async () => {
      await db.tx(async (tx) => {
        await tx.add(PaymentEntity, payment("p-lock-a"));
        await tx.add(PaymentEntity, payment("p-lock-b"));
      });
      const bothHoldOne = lockStep();
      let attempts = 0;
      const after: string[] = [];
      const crossing = (first: string, second: string, column: "approvalNumber" | "declineReason", value: string) =>
        db.tx(async (tx) => {
          const attempt = ++attempts;
          tx.afterCommit(() => after.push(`${value} (attempt ${attempt})`));
          tx.atCommit(row(PaymentEntity, payment(`p-lock-${value}-${attempt}`)));
          await tx.write(`UPDATE payments SET ${column} = ? WHERE id = ?`, [value, first]);
          await bothHoldOne();
          await tx.write(`UPDATE payments SET ${column} = ? WHERE id = ?`, [value, second]);
        });
      await Promise.all([crossing("p-lock-a", "p-lock-b", "approvalNumber", "T1"), crossing("p-lock-b", "p-lock-a", "declineReason", "t2")]);
      expect(attempts).toBe(3);
      const rows = await db.read((m) => m.findBy(PaymentEntity, { id: In(["p-lock-a", "p-lock-b"]) }));
      expect(rows.map((r) => [r.approvalNumber, r.declineReason])).toEqual([
        ["T1", "t2"],
        ["T1", "t2"],
      ]);
      // Each transaction acted once after its commit, and wrote its row once: the
      // victim's first attempt left nothing.
      expect(after).toHaveLength(2);
      expect(after.filter((a) => a.startsWith("T1"))).toHaveLength(1);
      const written = await db.read((m) => m.find(PaymentEntity, { where: { storeId: "store-1" }, select: { id: true } }));
      expect(written.map((p) => p.id).filter((id) => /^p-lock-(T1|t2)-/.test(id)).sort()).toEqual(
        after.map((a) => `p-lock-${a.split(" ")[0]}-${a.match(/attempt (\d)/)![1]}`).sort(),
      );
    });
});
