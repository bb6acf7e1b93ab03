import { EntityManager, type DataSource, type EntityTarget, type ObjectLiteral, type QueryRunner } from "typeorm";
import { changedRows, type EntityStatements, type Row, type Statement, type Write } from "./statements";
import { markOutcomeUnknown } from "./retries";
import { isConditional, type ConditionalStatement } from "./upsert";
import { interceptQueries, type RunnerQuery } from "./typeorm-internals";

/** A statement as a wire sends it: as it is, or a row inserted (a conditional statement run) only if the statement before it changed a row. */
export type Outgoing = Statement | { onlyIfChanged: Row | ConditionalStatement };

/** How one engine carries a transaction's statements (mysql-wire.ts, sqlite-wire.ts). */
export interface Wire {
  /**
   * True when the transaction's BEGIN waits for its first statement and travels with it
   * (and its COMMIT travels with its last writes); false when TypeORM's own BEGIN and
   * COMMIT are sent as they come.
   */
  readonly lazyBegin: boolean;
  /** The texts TypeORM's transaction methods send (typeorm-internals.ts). */
  readonly texts: { begin: string; commit: string; rollback: string };
  /**
   * `statements` in order, in one round trip where the engine has round trips, after the
   * BEGIN (`begin`) and before the COMMIT (`commit`) when asked; resolves to each one's
   * result (rows for a SELECT, the driver's write result otherwise). The first that fails
   * stops the rest and rejects.
   */
  send(statements: readonly Outgoing[], options: { begin: boolean; commit: boolean }): Promise<unknown[]>;
  /** Ends a begun transaction that did not commit (lazy-begin wires only). */
  rollback(): Promise<void>;
}

/** A write that travels with the COMMIT; what it changed is known once the transaction has committed. */
export class AtCommit {
  #changed: number | null = null;

  /** Rows the write changed (an insert: 1, or 0 when its condition did not hold). */
  get changed(): number {
    if (this.#changed === null) throw new Error("a write at commit is known only once the transaction has committed");
    return this.#changed;
  }

  /** @internal */
  static settle(handle: AtCommit, result: unknown): void {
    handle.#changed = changedRows(result);
  }
}

/**
 * Thrown by `Tx.runAgainCaughtUp`: `Db.tx` runs the transaction again, once its node has
 * applied every write committed in the cluster.
 */
export class RunAgainCaughtUp extends Error {
  constructor() {
    super("the transaction read before its node had caught up; it runs again");
    this.name = "RunAgainCaughtUp";
  }
}

interface Queued {
  out: Outgoing;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

interface CommitWrite {
  write: Write;
  handle: AtCommit;
  /** Inserted only if this earlier write (unconditional) changed a row. */
  onlyIf: AtCommit | null;
}

const noop = () => undefined;

/**
 * A transaction of `Db.tx`. Services say what to read and write; how it travels is this
 * class's business and its wire's:
 *   - `select`, `write` and `add` run now; those issued together (before the work next
 *     waits) travel in one round trip, with the transaction's BEGIN if it has not begun;
 *   - `defer(write)` sends a write with the next round trip, whatever sends it (a
 *     statement, a TypeORM call, the COMMIT), without waiting for it; if it fails, that
 *     round trip fails and the transaction with it;
 *   - `atCommit(write)` sends a write with the COMMIT, after everything else; a row may
 *     be inserted (a conditional statement, such as an upsert, run) only if an earlier
 *     write at commit changed a row (`onlyIf`), which is decided by the database in the
 *     same round trip;
 *   - `afterCommit(action)` runs once the transaction has committed, never after a
 *     rollback, and never for an attempt that a deadlock rolled back and `Db.tx` ran
 *     again: the way out for effects (outbox deliveries, live events);
 *   - `caughtUp` says whether its reads see every write committed before it began, on
 *     any node; when not, and a row another node may have just committed is missing,
 *     `runAgainCaughtUp()` has it run again once its node has caught up.
 * It is a TypeORM EntityManager too, bound to the transaction's connection, and TypeORM
 * calls made with it take their place in the same order (pending statements go first).
 * The same on both engines: on SQLite "one round trip" is statements run one after the
 * other, in the same order, with the same rules.
 */
export class Tx extends EntityManager {
  readonly #wire: Wire;
  readonly #statements: EntityStatements;
  #begun = false;
  #pending: Queued[] = [];
  #flushQueued = false;
  readonly #atCommit: CommitWrite[] = [];
  readonly #afterCommit: Array<() => void> = [];
  #state: "open" | "committing" | "committed" | "ended" = "open";
  /** The first round trip that failed: the transaction cannot commit after it. */
  #failure: { error: unknown } | null = null;
  /** Round trips go one after the other, in the order they were made. */
  #trips: Promise<void> = Promise.resolve();

  private constructor(
    dataSource: DataSource,
    runner: QueryRunner,
    wire: Wire,
    statements: EntityStatements,
    /**
     * True when this attempt's reads see every write committed before it began, on any
     * node: always on one server; on a Galera node, only for an attempt `Db.tx` began once
     * the node had applied them. A read inside a transaction never waits for that
     * (wsrep_sync_wait applies to a transaction's start, not to statements within it).
     */
    readonly caughtUp: boolean,
  ) {
    super(dataSource, runner);
    this.#wire = wire;
    this.#statements = statements;
  }

  /** Rows of a SELECT, as plain objects keyed by column name or alias. */
  async select<R = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[]> {
    return (await this.#now({ sql, params })) as R[];
  }

  /** Runs an INSERT/UPDATE/DELETE; resolves to the number of rows it changed. */
  async write(sql: string, params: readonly unknown[]): Promise<number> {
    return changedRows(await this.#now({ sql, params }));
  }

  /** Inserts one entity, every column, by a statement derived once from its metadata. */
  async add<E extends ObjectLiteral>(into: EntityTarget<E>, values: E): Promise<void> {
    await this.#now(this.#statements.render({ into, values } as Row));
  }

  /** Sends `write` with the next round trip, without waiting for it (see the class). */
  defer(write: Write): void {
    this.#enqueue(this.#statements.render(write)).catch(noop);
  }

  /**
   * Sends `write` with the COMMIT. With `onlyIf`, `write` (a row, or a conditional
   * statement such as upsertAdding's) is written only if that earlier write at commit
   * changed a row.
   */
  atCommit(write: Write, options: { onlyIf?: AtCommit } = {}): AtCommit {
    this.#requireOpen();
    const onlyIf = options.onlyIf ?? null;
    if (onlyIf) {
      const guard = this.#atCommit.find((w) => w.handle === onlyIf);
      if (!guard || guard.onlyIf) throw new Error("onlyIf names an unconditional write at commit of the same transaction");
      if ("sql" in write && !isConditional(write)) throw new Error("only a row's insert or a conditional statement can depend on another write");
    }
    const handle = new AtCommit();
    this.#atCommit.push({ write, handle, onlyIf });
    return handle;
  }

  /**
   * Rolls this attempt back and has `Db.tx` run the transaction again once its node has
   * caught up with the cluster: for a row not found that a request through another node
   * may have committed a moment ago. Only where `caughtUp` is false.
   */
  runAgainCaughtUp(): never {
    if (this.caughtUp) throw new Error("runAgainCaughtUp in a transaction that began caught up");
    throw new RunAgainCaughtUp();
  }

  /** Runs `action` once the transaction has committed (see the class). `action` must not throw. */
  afterCommit(action: () => void): void {
    this.#requireOpen();
    this.#afterCommit.push(action);
  }

  /**
   * Runs `work` in a transaction on `runner`, through `wire`, and commits; rolls back if
   * anything fails. Resolves to `work`'s result and the actions to run now that it has
   * committed (the caller runs them, once it is sure this attempt is the one that counts).
   */
  static async run<T>(
    dataSource: DataSource,
    runner: QueryRunner,
    wire: Wire,
    statements: EntityStatements,
    work: (tx: Tx) => Promise<T>,
    caughtUp = true,
  ): Promise<{ result: T; afterCommit: ReadonlyArray<() => void> }> {
    const managerBefore = runner.manager;
    const tx = new Tx(dataSource, runner, wire, statements, caughtUp);
    const restore = interceptQueries(runner, (sql, params, structured, send) => tx.#typeormQuery(sql, params, structured, send));
    try {
      await runner.startTransaction();
      try {
        const result = await work(tx);
        await tx.#commit();
        await runner.commitTransaction();
        return { result, afterCommit: tx.#afterCommit };
      } catch (error) {
        // A connection that failed while the COMMIT was on its way leaves its outcome unknown.
        if (tx.#state === "committing") markOutcomeUnknown(error);
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(noop);
        throw error;
      }
    } finally {
      tx.#state = "ended";
      restore();
      (runner as { manager: EntityManager }).manager = managerBefore;
    }
  }

  /** Every statement TypeORM sends on this transaction's runner. */
  async #typeormQuery(sql: string, params: unknown[] | undefined, structured: boolean | undefined, send: RunnerQuery): Promise<unknown> {
    const { texts, lazyBegin } = this.#wire;
    if (sql === texts.begin) {
      if (lazyBegin) return undefined; // travels with the first statement
      const result = await send(sql, params, structured);
      this.#begun = true;
      return result;
    }
    if (sql === texts.commit) {
      if (lazyBegin) {
        if (this.#state !== "committed") throw new Error("COMMIT outside Tx.run");
        return undefined; // went with the last writes
      }
      return send(sql, params, structured);
    }
    if (sql === texts.rollback) {
      this.#dropPending(new Error("the transaction rolled back"));
      if (!lazyBegin) return send(sql, params, structured);
      if (this.#begun && this.#state !== "committed") await this.#wire.rollback();
      return undefined;
    }
    this.#requireOpen();
    await this.#flush();
    try {
      return await send(sql, params, structured);
    } catch (error) {
      this.#failure ??= { error };
      throw error;
    }
  }

  #now(statement: Statement): Promise<unknown> {
    const result = this.#enqueue(statement);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => void this.#flush().catch(noop));
    }
    return result;
  }

  #enqueue(out: Outgoing): Promise<unknown> {
    this.#requireOpen();
    const result = new Promise<unknown>((resolve, reject) => this.#pending.push({ out, resolve, reject }));
    // Whoever waits for it hears of a failure; one nobody waits for fails the transaction.
    result.catch(noop);
    return result;
  }

  /** Sends what waits, with the BEGIN if it has not gone yet; resolves once every earlier round trip is back. */
  #flush(): Promise<void> {
    this.#flushQueued = false;
    const queued = this.#pending.splice(0);
    if (queued.length === 0 && (this.#begun || !this.#wire.lazyBegin)) return this.#trips.then(() => this.#throwIfFailed());
    return this.#send(queued, false);
  }

  async #commit(): Promise<void> {
    this.#requireOpen();
    this.#state = "committing";
    const queued = this.#pending.splice(0);
    for (const { write, handle, onlyIf } of this.#inCommitOrder()) {
      queued.push({
        out: onlyIf ? { onlyIfChanged: write as Row | ConditionalStatement } : this.#statements.render(write),
        resolve: (result) => AtCommit.settle(handle, result),
        reject: noop,
      });
    }
    if (queued.length === 0 && !this.#begun && this.#wire.lazyBegin) {
      // Nothing was ever sent: there is nothing to commit.
      await this.#trips;
      this.#throwIfFailed();
    } else {
      await this.#send(queued, this.#wire.lazyBegin);
    }
    this.#state = "committed";
  }

  /** The writes at commit, each conditional one right after the write it depends on (its condition reads "the statement before"). */
  #inCommitOrder(): CommitWrite[] {
    const ordered: CommitWrite[] = [];
    for (const write of this.#atCommit) {
      if (write.onlyIf) continue;
      ordered.push(write, ...this.#atCommit.filter((w) => w.onlyIf === write.handle));
    }
    return ordered;
  }

  #send(queued: Queued[], commit: boolean): Promise<void> {
    const begin = this.#wire.lazyBegin && !this.#begun;
    this.#begun = true;
    const trip = this.#trips.then(() => {
      this.#throwIfFailed();
      return this.#wire.send(
        queued.map((q) => q.out),
        { begin, commit },
      );
    });
    this.#trips = trip.then(noop, (error) => {
      this.#failure ??= { error };
    });
    return trip.then(
      (results) => queued.forEach((q, i) => q.resolve(results[i])),
      (error) => {
        queued.forEach((q) => q.reject(error));
        throw error;
      },
    );
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  #dropPending(error: Error): void {
    for (const q of this.#pending.splice(0)) q.reject(error);
  }

  #requireOpen(): void {
    if (this.#state !== "open") throw new Error(`statement in a transaction that is ${this.#state === "ended" ? "over" : "committing"}`);
  }
}
