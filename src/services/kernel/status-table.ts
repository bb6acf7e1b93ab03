import { ErrorCode, WalletError } from "./errors";

/**
 * One way to declare the statuses of a row that moves, and to make each move's
 * conditional UPDATE from that declaration. The table says which moves exist and from
 * where; the database still judges every race: the UPDATE repeats the move's from-status
 * and conditions on the row as it is, and its affected-row count says whether this move
 * was the one that happened.
 */

/** A piece of SQL with its parameters, in the order of its placeholders. */
export interface Sql {
  sql: string;
  params: unknown[];
}

export const sql = (text: string, ...params: unknown[]): Sql => ({ sql: text, params });

/** The row (or rows) a move is tried on; by primary key unless a table keys its moves otherwise. */
export const byId = (id: string): Sql => sql("id = ?", id);

/**
 * How a row shows its status:
 *   - `column`: stored in one column; a status stored as NULL is matched with IS NULL;
 *   - `derived`: read from several columns (and the moment, for a lease or a due time),
 *     one condition per status; the statuses' conditions never hold together.
 */
export type StatusShape<S extends string, C> =
  | { column: string; values: Record<S, string | null> }
  | { derived: Record<S, (context: C) => Sql> };

/**
 * One move: the statuses it leaves, the ones it may reach (more than one when the
 * UPDATE itself decides, e.g. the last use of a ticket), what else must hold of the row
 * (checked by the same UPDATE), and what it writes. On a stored status with one `to`,
 * the status column is written first; otherwise `set` writes whatever makes `to` hold.
 */
export interface Move<S extends string, A> {
  from: readonly S[];
  to: readonly S[];
  also?: (args: A) => Sql;
  set?: (args: A) => Sql[];
}

/** The arguments a move's `also` and `set` take. */
export type ArgsOf<M> = M extends Move<string, infer A> ? A : never;

export interface StatusTableSpec<S extends string, C, Moves extends Record<string, Move<S, never>>> {
  /** What a row is, for messages: "point settlement". */
  noun: string;
  /** The SQL table. */
  table: string;
  statuses: readonly S[];
  status: StatusShape<S, C>;
  moves: Moves;
  /**
   * The error for a move that does not exist, where the domain answers with its own code
   * and words (a bill: BILL_NOT_PAYABLE, "This bill is overdue"); by default
   * BAD_USER_INPUT naming the move.
   */
  refuse?: (from: S, to: S) => WalletError;
}

export class StatusTable<S extends string, C, Moves extends Record<string, Move<S, never>>> {
  constructor(readonly spec: StatusTableSpec<S, C, Moves>) {
    for (const [name, move] of Object.entries(spec.moves)) {
      if (move.to.length !== 1 && "column" in spec.status && !move.set) throw new Error(`${spec.noun} move ${name} reaches several statuses but sets none`);
    }
  }

  get statuses(): readonly S[] {
    return this.spec.statuses;
  }

  /** Whether some move takes a row from `from` to `to`. */
  canMove(from: S, to: S): boolean {
    return Object.values(this.spec.moves).some((move) => move.from.includes(from) && move.to.includes(to));
  }

  /** Whether no move leaves `status`. */
  isTerminal(status: S): boolean {
    return !Object.values(this.spec.moves).some((move) => move.from.includes(status));
  }

  /** The typed error for a move that does not exist, naming it. */
  refusal(from: S, to: S): WalletError {
    return this.spec.refuse?.(from, to) ?? new WalletError(ErrorCode.BAD_USER_INPUT, `A ${from} ${this.spec.noun} cannot become ${to}`, { status: from });
  }

  assertMove(from: S, to: S): void {
    if (!this.canMove(from, to)) throw this.refusal(from, to);
  }

  /**
   * The conditional UPDATE of `move` on `rows`: SET what the move writes, WHERE the rows
   * AND a from-status of the move (only `from`, when the caller knows which one it
   * leaves) AND the move's own conditions. One statement, whatever the table.
   */
  update<K extends keyof Moves & string>(name: K, rows: Sql, args: ArgsOf<Moves[K]> & C, from?: S): Sql {
    const move = this.spec.moves[name];
    const froms = from === undefined ? move.from : [from];
    if (from !== undefined && !move.from.includes(from)) throw this.refusal(from, move.to[0]);
    const sets: Sql[] = [];
    const { status } = this.spec;
    if ("column" in status && move.to.length === 1) sets.push(sql(`${status.column} = ?`, status.values[move.to[0]]));
    sets.push(...(move.set?.(args) ?? []));
    if (sets.length === 0) throw new Error(`${this.spec.noun} move ${name} writes nothing`);
    const where = [rows, this.whereStatus(froms, args), ...(move.also ? [move.also(args)] : [])];
    return join(`UPDATE ${this.spec.table} SET `, sets, ", ", " WHERE ", where);
  }

  /** The condition that a row is one `name` would move: in one of its from-statuses, and its own conditions hold. */
  candidates<K extends keyof Moves & string>(name: K, args: ArgsOf<Moves[K]> & C): Sql {
    const move = this.spec.moves[name];
    const parts = [this.whereStatus(move.from, args), ...(move.also ? [move.also(args)] : [])];
    return joinWhere(parts);
  }

  /** The condition that a row is in one of `statuses`, for a move's UPDATE or a read. */
  whereStatus(statuses: readonly S[], context: C): Sql {
    const { status } = this.spec;
    if ("derived" in status) {
      const each = statuses.map((s) => status.derived[s](context));
      return each.length === 1 ? each[0] : wrap(each, " OR ");
    }
    const values = statuses.map((s) => status.values[s]);
    const stored = values.filter((v): v is string => v !== null);
    const parts: Sql[] = [];
    if (stored.length > 0) parts.push(sql(`${status.column} IN (${stored.map(() => "?").join(", ")})`, ...stored));
    if (values.includes(null)) parts.push(sql(`${status.column} IS NULL`));
    if (parts.length === 0) return sql("1 = 0");
    return parts.length === 1 ? parts[0] : wrap(parts, " OR ");
  }
}

/** `parts` in parentheses, joined by `separator`. */
function wrap(parts: Sql[], separator: string): Sql {
  return sql(parts.map((p) => `(${p.sql})`).join(separator), ...parts.flatMap((p) => p.params));
}

function join(head: string, sets: Sql[], setSeparator: string, middle: string, where: Sql[]): Sql {
  const condition = joinWhere(where);
  return {
    sql: `${head}${sets.map((s) => s.sql).join(setSeparator)}${middle}${condition.sql}`,
    params: [...sets.flatMap((s) => s.params), ...condition.params],
  };
}

/** `parts` joined by AND; a part with an OR of its own is put in parentheses, so the ANDs keep their meaning. */
function joinWhere(parts: Sql[]): Sql {
  return sql(parts.map((w) => (/ OR /i.test(w.sql) && parts.length > 1 ? `(${w.sql})` : w.sql)).join(" AND "), ...parts.flatMap((w) => w.params));
}
