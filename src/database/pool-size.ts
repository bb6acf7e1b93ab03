/**
 * MySQL connections an instance holds at most (DATABASE_POOL_SIZE). A connection is held
 * from a transaction's first statement to its COMMIT's answer, and between its round
 * trips the transaction waits for its turn on the event loop: under load that wait, not
 * the database, is most of the hold. At a thousand requests in flight the loop's turn
 * grows to tens of milliseconds, a transaction of three round trips then holds its
 * connection for about a tenth of a second, and 32 connections (the old fixed size) let
 * through about 300 transactions a second, fewer than one core of this server makes. The
 * default leaves the pool above what the CPU allows (bench/scale/concurrency.ts); MySQL's
 * own max_connections (151 by default) must leave room for every instance's pool.
 */
export const DEFAULT_POOL_SIZE = 100;
