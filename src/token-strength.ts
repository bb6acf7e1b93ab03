/** The least a token that opens the back office must take to guess, in bits. */
export const MIN_TOKEN_BITS = 128;

export const HOW_TO_MAKE_A_TOKEN =
  "make one with `openssl rand -base64 32` or " +
  "`node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"`";

/**
 * A deliberately low estimate of the bits of guessing a token takes, from its text alone.
 *
 * What it can see is the characters. Each character is counted as one draw from an
 * alphabet as large as the number of distinct characters the token uses (the classes a
 * token draws on, lower case, digits and so on, would give a larger alphabet, but a
 * token that uses three characters was not drawn from 95); a character that repeats the
 * one before or steps by one from it ("aaaa", "1234", "abcd") counts for nothing.
 * So `aaaaaaaaaaaaaaaaaaaaaaaa` is 0 bits, a 24-character token of a few characters far
 * below 128, and 32 random bytes in base64 or hex about 200-250.
 *
 * What it cannot see is where the text came from: a phrase, a hash of a password, or an
 * example copied from documentation look as varied as random bytes. It refuses only
 * what is plainly weak; it does not prove a token strong. Being low on purpose, it also
 * refuses some random tokens of exactly 128 bits (16 bytes in hex): 32 bytes pass.
 */
export function estimatedBits(token: string): number {
  const distinct = new Set(token).size;
  if (distinct < 2) return 0;
  const codes = Array.from(token, (character) => character.codePointAt(0)!);
  const counted = codes.filter((code, i) => i === 0 || Math.abs(code - codes[i - 1]) > 1).length;
  return counted * Math.log2(distinct);
}
