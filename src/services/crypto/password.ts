import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import { FairQueue } from "./fair-queue";

/**
 * Memory-hard password hashing with scrypt (N = 2^cost, r = 8, p = 1). The parameters
 * are stored with the hash, so raising the cost later keeps old hashes verifiable.
 */
const KEY_LENGTH = 32;

/**
 * Hashes running at once in this process: one per core, and no more than libuv's four
 * threads. More would only queue inside libuv, first come first served, where one
 * address's burst of logins would hold up everyone else's payments.
 */
export const HASHES_IN_FLIGHT = Math.min(availableParallelism(), 4);

/**
 * Hashes wait here, by who asked (the client address): a freed slot goes to the asker with
 * the fewest hashes running, so one address's burst delays another's password check by
 * one hash at most, not by the burst.
 */
const hashes = new FairQueue(HASHES_IN_FLIGHT);

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions, asker: string): Promise<Buffer> {
  return hashes.run(
    asker,
    () => new Promise<Buffer>((resolve, reject) => scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)))),
  );
}

const optionsFor = (N: number, r: number, p: number): ScryptOptions => ({
  N,
  r,
  p,
  maxmem: 256 * N * r,
});

/** `asker`: who the hash is for (a client address), whose turn in the queue it takes. */
export async function hashPassword(password: string, cost: number, asker = ""): Promise<string> {
  const N = 2 ** cost;
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, optionsFor(N, 8, 1), asker);
  return `scrypt$${N}$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** `asker` as for hashPassword. */
export async function verifyPassword(password: string, stored: string, asker = ""): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const key = await scryptAsync(
    password,
    Buffer.from(salt, "base64"),
    optionsFor(Number(n), Number(r), Number(p)),
    asker,
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}
