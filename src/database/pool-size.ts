/**
 * MySQL connections an instance holds at most (DATABASE_POOL_SIZE). A connection is held
 * from a transaction's first statement to its COMMIT's answer, and between its round
 * trips the transaction waits for its turn on the event loop: under load that wait, not
 * the database, is most of the hold. With a thousand requests in flight the loop's turn
 * takes tens of milliseconds, so a transaction of two or three round trips holds its
 * connection for a tenth of a second or more, and 32 connections (the old fixed size) let
 * fewer transactions through than the CPU would: requests then queue for a connection
 * with cores to spare. A redeem runs two or three transactions, so a thousand redeems a
 * second at a tenth of a second each need about 100 connections, hence this default.
 * MySQL's max_connections (151 by default) must leave room for every instance's pool;
 * a pool opens its connections only as the load asks for them.
 */
export const DEFAULT_POOL_SIZE = 100;
