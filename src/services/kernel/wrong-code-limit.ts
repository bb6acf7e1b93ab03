import type { ServiceDeps } from "./deps";
import { ErrorCode, WalletError } from "./errors";

/*
 * The limit on a terminal's wrong codes (RATE_WRONG_CODES_PER_TERMINAL_PER_MIN). Only a
 * wrong code counts against a register's or gate's key: that is what guessing looks
 * like. Each code takes its try before it is checked and a right one gives it back, so a
 * busy till that scans right codes all day never reaches the limit, and guesses racing
 * each other are checked no more often than the limit allows. A try given back returns
 * with the key's next code (owed-tries.ts): a right code costs the counters one call.
 */

type Limits = Pick<ServiceDeps, "rateLimits">;

/** A terminal's use of a code (lookup, redeem, collect, settle): a CODE_INVALID it throws is counted. */
export function underWrongCodeLimit<T>(deps: Limits, apiKeyId: string, use: () => Promise<T>): Promise<T> {
  return deps.rateLimits.countWrongGuesses("wrongCodePerTerminal", apiKeyId, use, isWrongCode);
}

/**
 * For a wrong code that is answered, not thrown (a gate's INVALID denial): the try is
 * taken before the code is checked (RATE_LIMITED once the limit is spent); give it back
 * unless the code was wrong.
 */
export function takeCodeTry(deps: Limits, apiKeyId: string): Promise<{ giveBack(): Promise<void> }> {
  return deps.rateLimits.takeGuess("wrongCodePerTerminal", apiKeyId);
}

/** A code that does not exist or does not check out; used or expired codes were real. */
const isWrongCode = (error: unknown) => error instanceof WalletError && error.code === ErrorCode.CODE_INVALID;
