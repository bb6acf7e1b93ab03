import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";

/**
 * Values between entities and direct statements, in the representation TypeORM itself
 * uses, so a row written by one reads back unchanged through the other: on SQLite a
 * datetime is UTC text 'YYYY-MM-DD HH:MM:SS.SSS'; simple-json is JSON text on both engines.
 */
type ColumnKind = "text" | "int" | "datetime" | "json";

export function kindOf(column: ColumnMetadata): ColumnKind {
  switch (column.type) {
    case "varchar":
    case "text":
      return "text";
    case "int":
    case "integer":
    // BIGINT values of ours stay below 2^53 (entities/big-int-column.ts).
    case "bigint":
      return "int";
    case "datetime":
      return "datetime";
    case "simple-json":
      return "json";
    default:
      throw new Error(`direct SQL does not handle column type ${String(column.type)} (${column.propertyName})`);
  }
}

export function toColumnValue(column: ColumnMetadata, value: unknown): unknown {
  // A fixed statement cannot fall back to a column default: a missing value is a bug.
  if (value === undefined && !column.isNullable) throw new Error(`direct SQL insert without ${column.propertyName}`);
  if (value === undefined || value === null) return null;
  return kindOf(column) === "json" ? JSON.stringify(value) : value;
}

export function fromColumnValue(column: ColumnMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kindOf(column)) {
    case "datetime":
      return readDate(value);
    case "int":
      return Number(value);
    case "json":
      return typeof value === "string" ? JSON.parse(value) : value;
    default:
      return value;
  }
}

/** A datetime as either engine returns it: a Date (mysql2, timezone Z) or UTC text (SQLite). */
export function readDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(" ", "T")}Z`);
}

export function toSqliteParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return sqliteDatetime(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** TypeORM's SQLite datetime text: UTC, millisecond precision, space-separated. */
function sqliteDatetime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}
