/**
 * MySQL connections an instance holds at most (DATABASE_POOL_SIZE). A connection is held
 * from a transaction's first statement to its COMMIT's answer, and between its round
 * trips the transaction waits for its turn on the event loop: under load that wait, not
 * the database, is most of the hold. When the server's one thread is the bound, requests
 * queue somewhere, and the pool is where they wait (wallet_database_connection_wait_seconds
 * shows it): a larger pool then only lets more transactions interleave on the loop, each
 * holding its connection longer. Measured with a thousand registers against a 150 ms
 * institution (bench/scale/concurrency.ts), 32 and 100 connections gave the same
 * throughput, the server's thread busy in both, and the event loop's delay was a third
 * with 32. A pool above 32 pays off where the thread is not the bound: a database whose
 * round trips are slow (a remote or Galera node), where a transaction holds its
 * connection for its round trips' time. MySQL's max_connections (151 by default) must
 * leave room for every instance's pool.
 */
export const DEFAULT_POOL_SIZE = 32;
