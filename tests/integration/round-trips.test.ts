import type { DataSource } from "typeorm";
import { row, type Tx } from "../../src/database";
import { MysqlWire } from "../../src/database/mysql-wire";
import { SqliteStatements, SqliteWire } from "../../src/database/sqlite-wire";
import { EntityStatements } from "../../src/database/statements";
import { Tx as Transaction, type Wire } from "../../src/database/transaction";
import { mysqlConnectionOf, sqliteDatabaseOf, type MysqlConnection } from "../../src/database/typeorm-internals";
import { IdempotencyRecordEntity, LedgerEntryEntity, PaymentEntity } from "../../src/entities";
import { engines, migratedDataSource } from "../support/databases";
import { paymentRow } from "../support/payment-row";

/**
 * How a transaction's statements travel: each round trip the real wire sends is
 * recorded on its way to the real database (MySQL: every text or prepared statement the
 * connection is given; SQLite: every statement, which has no round trips to save). The
 * shapes are those of a redeem: the key's claim, the code's read and its claim in one
 * trip with the BEGIN, the payment with the COMMIT; then the decision with its ledger
 * entry and its report, all in one.
 */
describe.each(engines)("round trips of a transaction (%s)", (engine) => {
  let dataSource: DataSource;
  let statements: EntityStatements;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource, drop } = await migratedDataSource(engine));
    statements = new EntityStatements(dataSource);
  });
  afterAll(() => drop());

  /** Runs `work` in a transaction and returns what it sent, one array per round trip (SQLite: per statement). */
  async function trips(work: (tx: Tx) => Promise<unknown>): Promise<string[][]> {
    const sent: string[][] = [];
    const runner = dataSource.createQueryRunner();
    let wire: Wire;
    if (engine === "mysql") {
      const connection = await mysqlConnectionOf(runner);
      const recording: MysqlConnection = {
        query: (sql, params, callback) => {
          sent.push(sql.split("; ").map(shortly));
          connection.query(sql, params, callback);
        },
        execute: (sql, params, callback) => {
          sent.push([shortly(sql)]);
          connection.execute(sql, params, callback);
        },
      };
      wire = new MysqlWire(recording, statements);
    } else {
      const direct = new SqliteStatements(sqliteDatabaseOf(dataSource));
      const run = direct.run.bind(direct);
      direct.run = (statement) => {
        sent.push([shortly(statement.sql)]);
        return run(statement);
      };
      wire = new SqliteWire(direct, statements);
    }
    try {
      const { afterCommit } = await Transaction.run(dataSource, runner, wire, statements, work);
      afterCommit.forEach((action) => action());
    } finally {
      await runner.release();
    }
    return sent;
  }

  /** "INSERT INTO payments", "SELECT ... FROM payments", "UPDATE payments", "COMMIT"... */
  function shortly(sql: string): string {
    const text = sql.trim().replace(/\s+/g, " ");
    const table = /(?:INSERT INTO|UPDATE|FROM) (\w+)/i.exec(text)?.[1];
    const verb = text.split(" ")[0].toUpperCase();
    if (verb === "INSERT" && / SELECT .* WHERE ROW_COUNT\(\) > 0/.test(text)) return `INSERT INTO ${table} IF CHANGED`;
    if (verb === "INSERT") return `INSERT INTO ${table}`;
    if (verb === "UPDATE" || verb === "SELECT") return `${verb} ${table ?? ""}`.trim();
    return text;
  }

  const payment = (id: string, status = "PROCESSING"): PaymentEntity =>
    paymentRow(id, { status: status as PaymentEntity["status"], approvalNumber: null, decidedAt: null });
  const record = (key: string, resultId: string) =>
    Object.assign(new IdempotencyRecordEntity(), {
      id: `r-${key}`,
      scope: "key:trips",
      idemKey: key,
      operation: "redeemCode",
      requestHash: "0".repeat(64),
      state: "DONE",
      resultId,
      errorCode: null,
      errorMessage: null,
      createdAt: new Date(),
    });
  const ledger = (id: string, paymentId: string) =>
    Object.assign(new LedgerEntryEntity(), { id, paymentId, customerId: "customer-1", storeId: "store-1", entryType: "SALE", amount: 500, currency: "JPY", createdAt: new Date() });

  it("sends a claim, a read and a conditional write with the BEGIN, and the last write with the COMMIT", async () => {
    const sent = await trips(async (tx) => {
      tx.defer(row(IdempotencyRecordEntity, record("k1", "pay-1")));
      const [rows, changed] = await Promise.all([
        tx.select("SELECT id FROM payments WHERE id = ?", ["pay-1"]),
        tx.write("UPDATE payments SET reference = 'x' WHERE id = ?", ["pay-1"]),
      ]);
      expect([rows, changed]).toEqual([[], 0]);
      tx.atCommit(row(PaymentEntity, payment("pay-1")));
    });
    if (engine === "mysql") {
      expect(sent).toEqual([
        ["START TRANSACTION", "INSERT INTO idempotency_records", "SELECT payments", "UPDATE payments"],
        ["INSERT INTO payments", "COMMIT"],
      ]);
    } else {
      // TypeORM's BEGIN and COMMIT go their own way; the statements keep the same order.
      expect(sent.flat()).toEqual(["INSERT INTO idempotency_records", "SELECT payments", "UPDATE payments", "INSERT INTO payments"]);
    }
  });

  it("sends a decision, the rows that depend on it and the COMMIT in one round trip", async () => {
    const decide = (ledgerId: string) =>
      trips(async (tx) => {
        const moved = tx.atCommit({ sql: "UPDATE payments SET status = 'APPROVED' WHERE id = ? AND status = 'PROCESSING'", params: ["pay-1"] });
        tx.atCommit(row(LedgerEntryEntity, ledger(ledgerId, "pay-1")), { onlyIf: moved });
        tx.afterCommit(() => expect(moved.changed).toBe(ledgerId === "l-1" ? 1 : 0));
      });
    const first = await decide("l-1");
    const again = await decide("l-2");
    if (engine === "mysql") {
      const oneTrip = [["START TRANSACTION", "UPDATE payments", "INSERT INTO ledger_entries IF CHANGED", "COMMIT"]];
      expect(first).toEqual(oneTrip);
      expect(again).toEqual(oneTrip);
    } else {
      expect(first.flat()).toEqual(["UPDATE payments", "INSERT INTO ledger_entries"]);
      expect(again.flat()).toEqual(["UPDATE payments"]); // nothing changed: the dependent insert is left out
    }
    const entries = await dataSource.manager.findBy(LedgerEntryEntity, { paymentId: "pay-1" });
    expect(entries.map((e) => e.id)).toEqual(["l-1"]);
  });

  it("sends what was deferred before a TypeORM call, and one statement alone as a prepared statement", async () => {
    const sent = await trips(async (tx) => {
      await tx.write("UPDATE payments SET reference = 'first' WHERE id = ?", ["pay-1"]);
      await tx.write("UPDATE payments SET reference = 'second' WHERE id = ?", ["pay-1"]);
      tx.defer({ sql: "UPDATE payments SET reference = 'deferred' WHERE id = ?", params: ["pay-1"] });
      expect((await tx.findOneByOrFail(PaymentEntity, { id: "pay-1" })).reference).toBe("deferred");
    });
    if (engine === "mysql") {
      expect(sent).toEqual([["START TRANSACTION", "UPDATE payments"], ["UPDATE payments"], ["UPDATE payments"], ["COMMIT"]]);
    } else {
      expect(sent.flat()).toEqual(["UPDATE payments", "UPDATE payments", "UPDATE payments"]);
    }
  });

  it("sends nothing at all for a transaction that did nothing", async () => {
    expect(await trips(async () => undefined)).toEqual([]);
  });
});
