import type { ServiceDeps } from "./deps";
import { ErrorCode, WalletError } from "./errors";

/*
 * The limit on a terminal's wrong codes (RATE_WRONG_CODES_PER_TERMINAL_PER_MIN). Only a
 * wrong code counts against a register's or gate's key: that is what guessing looks
 * like, and a busy till that scans right codes all day never waits on the counters.
 */

type Limits = Pick<ServiceDeps, "rateLimits">;

/** A terminal's use of a code (lookup, redeem, collect, settle): a CODE_INVALID it throws is counted. */
export function useCode<T>(deps: Limits, apiKeyId: string, use: () => Promise<T>): Promise<T> {
  return deps.rateLimits.countWrongGuesses("wrongCodePerTerminal", apiKeyId, use, isWrongCode);
}

/** RATE_LIMITED if this terminal went over its limit (as `useCode` checks first). */
export function refuseWhileOverLimit(deps: Limits, apiKeyId: string): void {
  deps.rateLimits.refuseIfOver("wrongCodePerTerminal", apiKeyId);
}

/** For a wrong code that is answered, not thrown (a gate's INVALID denial). */
export function countWrongCode(deps: Limits, apiKeyId: string): Promise<void> {
  return deps.rateLimits.consume("wrongCodePerTerminal", apiKeyId);
}

/** A code that does not exist or does not check out; used or expired codes were real. */
const isWrongCode = (error: unknown) => error instanceof WalletError && error.code === ErrorCode.CODE_INVALID;
