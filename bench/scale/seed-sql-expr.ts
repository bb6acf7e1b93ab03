import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * SQL expressions for rows MariaDB makes itself (INSERT … SELECT over its sequence
 * tables, seq_0_to_N): no row is parsed from a statement's text, which is what bounds
 * multi-row INSERTs. Every value a row needs is a function of its serial number, so a
 * table made later (a payment's ledger entry, a ticket's admissions) works out the same
 * values again rather than reading them back. Each helper has a twin in TypeScript where
 * the seeder's own rows must agree with MariaDB's.
 */

const UINT32 = 4_294_967_296;

/** A number in [0, 2^32) that only depends on `salt` and the serial: CRC32 of both. */
export const hashSql = (salt: string, serial: string): string => `CRC32(CONCAT('${salt}', ${serial}))`;
/** hashSql's twin. */
export const hashOf = (salt: string, serial: number): number => crc32(`${salt}${serial}`);

/** A share in [0, 1) drawn from the serial. */
export const shareSql = (salt: string, serial: string): string => `(${hashSql(salt, serial)} / ${UINT32})`;
export const shareOf = (salt: string, serial: number): number => hashOf(salt, serial) / UINT32;

/** One of 0 to n - 1, drawn from the serial. */
export const pickSql = (salt: string, serial: string, n: number | string): string => `(${hashSql(salt, serial)} % ${n})`;
export const pickOf = (salt: string, serial: number, n: number): number => hashOf(salt, serial) % n;

/** A datetime(3) from milliseconds since the epoch (the seeding session's time zone is UTC). */
export const timeSql = (ms: string): string => `FROM_UNIXTIME(FLOOR(${ms}) / 1000)`;

/** The ISO 8601 form JavaScript's toISOString gives, of whole milliseconds. */
export const isoSql = (ms: string): string =>
  `CONCAT(DATE_FORMAT(FROM_UNIXTIME(FLOOR(FLOOR(${ms}) / 1000)), '%Y-%m-%dT%H:%i:%s.'), LPAD(FLOOR(${ms}) % 1000, 3, '0'), 'Z')`;

/**
 * A UUIDv7 of the moment `ms`, with the table's tag and the serial in its random part,
 * so ids are unique by construction: tttttttt-tttt-7TAG-8000-<serial in 12 hex digits>.
 * They sort by time among the server's own ids, as services/kernel/ids.ts makes them.
 */
export const idSql = (ms: string, tag: number, serial: string): string =>
  `LOWER(CONCAT(INSERT(LPAD(HEX(FLOOR(${ms})), 12, '0'), 9, 0, '-'), '-7${tagHex(tag)}-8000-', LPAD(HEX(${serial}), 12, '0')))`;
/** idSql's twin. */
export function idOf(ms: number, tag: number, serial: number): string {
  const time = Math.floor(ms).toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8)}-7${tagHex(tag)}-8000-${serial.toString(16).padStart(12, "0")}`;
}

function tagHex(tag: number): string {
  if (!(Number.isInteger(tag) && tag >= 0 && tag < 0x1000)) throw new Error(`id tag ${tag} is not 0 to 0xfff`);
  return tag.toString(16).padStart(3, "0");
}

/** HMAC-SHA256 of `message` (an SQL string expression) under `key`, as hex: RFC 2104 over SHA2. */
export function hmacSql(key: Buffer, message: string): string {
  const block = Buffer.alloc(64);
  (key.length > 64 ? createHash("sha256").update(key).digest() : key).copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte)).toString("hex");
  return `SHA2(CONCAT(X'${pad(0x5c)}', UNHEX(SHA2(CONCAT(X'${pad(0x36)}', CAST(${message} AS BINARY)), 256))), 256)`;
}

/**
 * customerNumberOf (services/kernel/customer-numbers.service.ts) in SQL: the first eight
 * bytes of the HMAC as an unsigned integer, modulo 10^10, ten digits.
 */
export const customerNumberSql = (key: Buffer, customerId: string, storeId: string): string =>
  `LPAD(CAST(CONV(LEFT(${hmacSql(key, `CONCAT('customer-number\\n', ${storeId}, '\\n', ${customerId})`)}, 16), 16, 10) AS UNSIGNED) % 10000000000, 10, '0')`;

/** sha256 hex of an SQL string expression. */
export const sha256Sql = (expr: string): string => `SHA2(${expr}, 256)`;

/** The sequence table of serials from..to - 1 (MariaDB's Sequence engine). */
export const serials = (from: number, to: number): string => `seq_${from}_to_${to - 1}`;
