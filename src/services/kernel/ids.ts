import { randomUUID } from "node:crypto";

let lastMs = 0;
let counter = 0;
/** The id's first 14 characters, which only change with the millisecond. */
let timePrefix = "";

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness. Ids sort by
 * creation time, which keeps InnoDB inserts at the end of the index and lets history
 * pages use the id as a cursor. A per-process counter keeps ids from one millisecond
 * in order.
 */
export function newId(): string {
  // randomUUID draws from a cached pool of random bytes: no call into OpenSSL per id.
  const random = randomUUID();
  const now = Date.now();
  if (now === lastMs) counter = (counter + 1) & 0xfff;
  else {
    lastMs = now;
    counter = parseInt(random.slice(9, 12), 16) & 0x7ff;
    const time = now.toString(16).padStart(12, "0");
    timePrefix = `${time.slice(0, 8)}-${time.slice(8)}`;
  }
  // The random UUID's last 17 characters keep its variant bits (10xx) and 62 random bits.
  return `${timePrefix}-7${HEX3[counter]}-${random.slice(19)}`;
}

/** 000 to fff: the counter as the id's three hex digits, without formatting per id. */
const HEX3 = Array.from({ length: 0x1000 }, (_, i) => i.toString(16).padStart(3, "0"));
