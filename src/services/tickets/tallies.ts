import type { EntityManager } from "typeorm";
import { upsertAdding, type Statement, type Tx } from "../../database";

/**
 * The moves of an event's running tallies (entities/attendance-tally.entity.ts) that one
 * transaction makes, gathered as it decides them and written together, each as one
 * relative upsert, in a fixed order (so two transactions never lock two tally rows in
 * opposite orders). A move is known from the rows the change itself changed (the
 * affected rows of a conditional UPDATE, or a row read under the change's lock), never
 * from a tally read before.
 */
export interface GateMove {
  visitors?: number;
  admitted?: number;
  exited?: number;
  inside?: number;
}

const GATE_FIELDS = ["visitors", "admitted", "exited", "inside"] as const;

export class TallyMoves {
  private issued = 0;
  private readonly gates = new Map<string, Required<GateMove>>();
  private readonly lists = new Map<string, number>();

  constructor(readonly eventId: string) {}

  ticketsIssued(n: number): this {
    this.issued += n;
    return this;
  }

  /** A move of the gate's part; a gate without a name is "". */
  gate(gate: string | null, move: GateMove): this {
    const name = gate ?? "";
    const sum = this.gates.get(name) ?? { visitors: 0, admitted: 0, exited: 0, inside: 0 };
    for (const f of GATE_FIELDS) sum[f] += move[f] ?? 0;
    this.gates.set(name, sum);
    return this;
  }

  list(listId: string, n: number): this {
    this.lists.set(listId, (this.lists.get(listId) ?? 0) + n);
    return this;
  }

  /**
   * Sends the moves with the transaction's next round trip, ahead of what it carries: for
   * a transaction that reads a tally after (a scan's answer carries the count), without a
   * round trip of their own.
   */
  defer(tx: Tx, isMysql: boolean): void {
    for (const s of this.statements(isMysql)) tx.defer(s);
  }

  /** Sends the moves with the COMMIT, so their rows are locked for the commit's round trip only. */
  atCommit(tx: Tx, isMysql: boolean): void {
    for (const s of this.statements(isMysql)) tx.atCommit(s);
  }

  /** The upserts of the moves that are not nothing; a change that moves no tally writes none (a denied scan). */
  private statements(isMysql: boolean): Statement[] {
    const { eventId } = this;
    const byName = <V>(entries: Map<string, V>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const statements: Statement[] = [];
    if (this.issued !== 0) statements.push(upsertAdding(isMysql, "event_tallies", { eventId }, { ticketsIssued: this.issued }));
    for (const [gate, move] of byName(this.gates)) {
      if (GATE_FIELDS.some((f) => move[f] !== 0)) statements.push(upsertAdding(isMysql, "gate_tallies", { eventId, gate }, move));
    }
    for (const [listId, n] of byName(this.lists)) if (n !== 0) statements.push(upsertAdding(isMysql, "list_tallies", { eventId, listId }, { admitted: n }));
    return statements;
  }
}

/**
 * Whether the ticket's holder is inside now, read under a lock on MySQL (the row as it
 * is, not the transaction's snapshot, and no other scan of the ticket in between): read
 * before and after a change, it says how the change moved `inside`.
 */
export async function insideNow(m: EntityManager, ticketId: string, isMysql: boolean): Promise<number> {
  const rows: Array<{ inside: number | string }> = await m.query(`SELECT inside FROM tickets WHERE id = ?${isMysql ? " FOR UPDATE" : ""}`, [ticketId]);
  return Number(rows[0]?.inside ?? 0);
}

/**
 * The ticket's admissions for the list that stand (admitted, not undone), read as they
 * are (locked on MySQL): 1 after an admission names the list means the ticket is new to
 * it; 0 after one is undone or demoted means the list lost it.
 */
export async function standingForList(m: EntityManager, ticketId: string, listId: string, isMysql: boolean): Promise<number> {
  const [row] = await m.query(
    `SELECT COUNT(*) AS n FROM admissions WHERE ticketId = ? AND listId = ? AND result = 'ADMITTED' AND undoneAt IS NULL${isMysql ? " LOCK IN SHARE MODE" : ""}`,
    [ticketId, listId],
  );
  return Number(row.n);
}
