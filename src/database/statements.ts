import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import { fromColumnValue, kindOf, toColumnValue } from "./column-values";

/** One SQL statement with its bound values (never values built into the text). */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** One entity to insert, every column, by a statement derived once from its metadata. */
export interface Row<E extends ObjectLiteral = ObjectLiteral> {
  into: EntityTarget<E>;
  values: E;
}

/** A write a transaction may send later: a statement, or a row to insert. */
export type Write = Statement | Row;

/** `values` as a row of `into`, for `Tx.defer` and `Tx.atCommit`. */
export function row<E extends ObjectLiteral>(into: EntityTarget<E>, values: E): Row<E> {
  return { into, values };
}

/** The rows an INSERT/UPDATE/DELETE changed, from either driver's write result. */
export function changedRows(result: unknown): number {
  const { affectedRows, changes } = (result ?? {}) as { affectedRows?: number; changes?: number };
  return affectedRows ?? changes ?? 0;
}

interface EntityShape {
  table: string;
  columns: ColumnMetadata[];
  primary: ColumnMetadata;
  insertSql: string;
  /** The same insert as a SELECT of its values, for an insert that depends on the statement before it. */
  insertIfSql: (condition: string) => string;
  create(): ObjectLiteral;
  /** The columns of each list of properties asked for (see `selectList`). */
  subsets: WeakMap<readonly string[], ColumnMetadata[]>;
}

/**
 * Statements derived from the entity metadata, once per entity: the INSERT of every
 * column, the SELECT list of some or all columns, and entities back from such rows, in
 * the representation TypeORM itself uses (column-values.ts), so a row written one way
 * reads back unchanged the other.
 */
export class EntityStatements {
  private readonly shapes = new Map<unknown, EntityShape>();

  constructor(private readonly dataSource: DataSource) {}

  /** The statement a write stands for. */
  render(write: Write): Statement {
    if ("sql" in write) return write;
    const shape = this.shapeOf(write.into);
    return { sql: shape.insertSql, params: this.valuesOf(shape, write.values) };
  }

  /**
   * A row's insert that happens only when `condition` (SQL, no parameters of its own)
   * holds when it runs: `INSERT INTO t (...) SELECT ?, ... FROM DUAL WHERE condition`
   * (MySQL's syntax; SQLite's wire decides such a condition itself).
   */
  renderInsertIf(write: Row, condition: string): Statement {
    const shape = this.shapeOf(write.into);
    return { sql: shape.insertIfSql(condition), params: this.valuesOf(shape, write.values) };
  }

  /**
   * "alias.col AS prefixcol, ..." for every column of an entity, or only for the
   * properties listed (always with the primary key), for a SELECT that `hydrate` turns
   * back into the entity. Listing only what a hot path reads saves more than bytes: on
   * MySQL every column of a result comes with its own definition packet, on every
   * execution, for the driver to parse.
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

  private valuesOf(shape: EntityShape, values: ObjectLiteral): unknown[] {
    return shape.columns.map((c) => toColumnValue(c, values[c.propertyName]));
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
      const marks = columns.map(() => "?").join(", ");
      const insertIf = new Map<string, string>();
      shape = {
        table: meta.tableName,
        columns,
        primary: columns.find((c) => c.isPrimary)!,
        insertSql: `INSERT INTO ${meta.tableName} (${names}) VALUES (${marks})`,
        insertIfSql: (condition) => {
          let sql = insertIf.get(condition);
          if (!sql) {
            sql = `INSERT INTO ${meta.tableName} (${names}) SELECT ${marks} FROM DUAL WHERE ${condition}`;
            insertIf.set(condition, sql);
          }
          return sql;
        },
        create: () => meta.create(),
        subsets: new WeakMap(),
      };
      this.shapes.set(target, shape);
    }
    return shape;
  }
}
