import { TableIndex } from "typeorm";
import type { TableColumnOptions } from "typeorm/schema-builder/options/TableColumnOptions";

// Written with the QueryRunner's table API rather than raw SQL so that one migration
// serves MySQL/MariaDB and SQLite alike.
export const id = (name = "id", nullable = false): TableColumnOptions => ({
  name,
  type: "varchar",
  length: "36",
  isPrimary: name === "id",
  isNullable: nullable,
});
export const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: "varchar",
  length: String(length),
  isNullable: nullable,
});
export const int = (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({
  name,
  type: "integer",
  isNullable: nullable,
  default: defaultValue,
});
export const time = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: "datetime",
  precision: 3,
  isNullable: nullable,
});
export const text = (name: string): TableColumnOptions => ({ name, type: "text" });

export const index = (name: string, columnNames: string[], isUnique = false) =>
  new TableIndex({ name, columnNames, isUnique });

