import { Column, PrimaryColumn, type ColumnOptions, type ValueTransformer } from "typeorm";

/**
 * A BIGINT read back as a JavaScript number (mysql2 returns BIGINT as a string). The
 * books' sizes and indexes stay far below 2^53.
 */
const asNumber: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export const BigIntColumn = (options: ColumnOptions = {}) => Column({ type: "bigint", transformer: asNumber, ...options });

export const BigIntPrimaryColumn = () => PrimaryColumn({ type: "bigint", transformer: asNumber });
