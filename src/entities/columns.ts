import { Column, type ColumnOptions } from "typeorm";

/** Millisecond UTC timestamps on both MySQL (datetime(3)) and SQLite (text). */
export const TimeColumn = (options: ColumnOptions = {}) =>
  Column({ type: "datetime", precision: 3, ...options });

/** Our ids are UUIDv7 strings made by the application (see services/ids.ts). */
export const IdColumn = (options: ColumnOptions = {}) =>
  Column({ type: "varchar", length: 36, ...options });
