import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import { fromColumnValue, kindOf, toColumnValue, toSqliteParam } from "./column-values";
import { MysqlTransactions, type RunStatement } from "./mysql-transactions";

/**
 * Statements run straight on the connection TypeORM holds, for the hot paths.
 *
 * Why: in a CPU profile of redeemCode, TypeORM building each query (alias and property
 * replacement, entity metadata walks, subscriber broadcasts) cost more than the database
 * round trips themselves. Here the SQL text is fixed, written once (or derived once from
 * the entity metadata), and sent as a prepared statement (MySQL parses it once per
 * connection, better-sqlite3 compiles it once), or, on MySQL, with the transaction's
 * BEGIN or COMMIT in one round trip (mysql-transactions.ts). It runs on the manager's own
 * connection, so it takes part in the manager's transaction like any TypeORM call, and
 * its values are those TypeORM reads and writes (column-values.ts).
 */
export interface DirectSql {
  /** Rows of a SELECT, as plain objects keyed by column name or alias. */
  select<R = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /** Runs an INSERT/UPDATE/DELETE; resolves to the number of rows it changed. */
  write(sql: string, params: readonly unknown[]): Promise<number>;
  /** Inserts one entity, every column, by a statement derived once from its metadata. */
  insert<E extends ObjectLiteral>(target: EntityTarget<E>, entity: E): Promise<void>;
  /** The statement `insert` runs, for `finish`. */
  insertStatement<E extends ObjectLiteral>(target: EntityTarget<E>, entity: E): Statement;
  /**
   * Statements whose texts do not depend on each other's results, in one round trip on
   * MySQL inside a transaction (elsewhere, and on SQLite, one after the other); resolves
   * to each one's result in order: rows for a SELECT, the driver's write result otherwise
   * (see `changedRows`).
   */
  batch(statements: readonly Statement[]): Promise<unknown[]>;
  /**
   * The transaction's last writes, sent with its COMMIT in one round trip on MySQL; on
   * SQLite, or outside a transaction, they simply run in order (and the transaction
   * commits as usual). Nothing may run in the transaction after this.
   */
  finish(statements: readonly Statement[]): Promise<void>;
}

/** The rows an INSERT/UPDATE/DELETE changed, from either driver's write result. */
export function changedRows(result: unknown): number {
  const { affectedRows, changes } = result as { affectedRows?: number; changes?: number };
  return affectedRows ?? changes ?? 0;
}

export interface Statement {
  sql: string;
  params: readonly unknown[];
}

interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

interface EntityShape {
  insertSql: string;
  columns: ColumnMetadata[];
  primary: ColumnMetadata;
  create(): ObjectLiteral;
  /** The columns of each list of properties asked for (see `selectList`). */
  subsets: WeakMap<readonly string[], ColumnMetadata[]>;
}

/** One per DataSource: caches derived statements (and, on SQLite, compiled ones). */
export class DirectSqlFactory {
  private readonly shapes = new Map<unknown, EntityShape>();
  private readonly sqliteStatements = new Map<string, SqliteStatement>();
  private readonly mysql: MysqlTransactions | null;

  constructor(private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type !== "better-sqlite3" ? new MysqlTransactions(dataSource) : null;
  }

  /** A MySQL transaction (see mysql-transactions.ts). */
  mysqlTransaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    if (!this.mysql) throw new Error("not a MySQL data source");
    return this.mysql.run(work);
  }

  /** Statements bound to `m`'s connection: its transaction's, or the pool's outside one. */
  on(m: EntityManager): DirectSql {
    const { run, finish, batch } = this.mysql ? this.mysql.statementsOn(m) : { run: this.sqliteRunner(), finish: null, batch: null };
    // Where nothing sends them together: one after the other, each one's result kept.
    const inOrder = async (statements: readonly Statement[]): Promise<unknown[]> => {
      const results: unknown[] = [];
      for (const { sql, params } of statements) results.push(await run(sql, params));
      return results;
    };
    const insertStatement = <E extends ObjectLiteral>(target: EntityTarget<E>, entity: E): Statement => {
      const shape = this.shapeOf(target);
      return { sql: shape.insertSql, params: shape.columns.map((c) => toColumnValue(c, entity[c.propertyName])) };
    };
    return {
      select: async <R>(sql: string, params: readonly unknown[]) => (await run(sql, params)) as R[],
      write: async (sql, params) => changedRows(await run(sql, params)),
      insert: async (target, entity) => {
        const { sql, params } = insertStatement(target, entity);
        await run(sql, params);
      },
      insertStatement,
      batch: (statements) => (batch ? batch(statements) : inOrder(statements)),
      finish: async (statements) => {
        if (finish) return finish(statements);
        await inOrder(statements);
      },
    };
  }

  /**
   * "alias.col AS prefixcol, ..." for every column of an entity, or only for the
   * properties listed (always with the primary key), for a SELECT that `hydrate` turns
   * back into the entity. Listing only what a hot path reads saves more than bytes: on
   * MySQL every column of a prepared SELECT comes with its own definition packet, on
   * every execution, for the driver to parse.
   */
  selectList(target: EntityTarget<ObjectLiteral>, alias: string, prefix = "", properties?: readonly string[]): string {
    return this.columnsOf(this.shapeOf(target), properties)
      .map((c) => `${alias}.${c.databaseName} AS ${prefix}${c.databaseName}`)
      .join(", ");
  }

  /**
   * The entity from a row selected with `selectList` (null when a LEFT JOIN found none),
   * with only `properties` set when the SELECT listed only those.
   */
  hydrate<E extends ObjectLiteral>(target: EntityTarget<E>, row: Record<string, unknown>, prefix = "", properties?: readonly string[]): E | null {
    const shape = this.shapeOf(target);
    if (row[`${prefix}${shape.primary.databaseName}`] == null) return null;
    const entity = shape.create() as E;
    for (const c of this.columnsOf(shape, properties)) {
      (entity as Record<string, unknown>)[c.propertyName] = fromColumnValue(c, row[`${prefix}${c.databaseName}`]);
    }
    return entity;
  }

  private columnsOf(shape: EntityShape, properties: readonly string[] | undefined): ColumnMetadata[] {
    if (!properties) return shape.columns;
    let columns = shape.subsets.get(properties);
    if (!columns) {
      const unknown = properties.find((p) => !shape.columns.some((c) => c.propertyName === p));
      if (unknown) throw new Error(`no column for property ${unknown}`);
      columns = shape.columns.filter((c) => c.isPrimary || properties.includes(c.propertyName));
      shape.subsets.set(properties, columns);
    }
    return columns;
  }

  private shapeOf(target: EntityTarget<ObjectLiteral>): EntityShape {
    let shape = this.shapes.get(target);
    if (!shape) {
      const meta = this.dataSource.getMetadata(target);
      const columns = meta.columns;
      for (const c of columns) kindOf(c); // refuse unknown column types at first use
      const names = columns.map((c) => c.databaseName).join(", ");
      shape = {
        columns,
        insertSql: `INSERT INTO ${meta.tableName} (${names}) VALUES (${columns.map(() => "?").join(", ")})`,
        primary: columns.find((c) => c.isPrimary)!,
        create: () => meta.create(),
        subsets: new WeakMap(),
      };
      this.shapes.set(target, shape);
    }
    return shape;
  }

  private sqliteRunner(): RunStatement {
    const database = (this.dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
    return async (sql, params) => {
      let statement = this.sqliteStatements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        this.sqliteStatements.set(sql, statement);
      }
      const values = params.map(toSqliteParam);
      return statement.reader ? statement.all(...values) : statement.run(...values);
    };
  }
}
