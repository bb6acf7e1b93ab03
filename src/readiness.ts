import type { DataSource } from "typeorm";
import type { Db } from "./database";
import { withTimeout } from "./timeout";

/** Each check of /ready gives up after this. */
const CHECK_TIMEOUT_MS = 1000;
/** Answers within this long of the last check reuse it, so probes in a burst cost the database one check. */
const REUSE_MS = 1000;

export interface ReadinessAnswer {
  ready: boolean;
  body: { status: "ready" | "degraded" | "unavailable" | "shutting down"; database?: string; redis?: string; migrations?: string; galera?: string };
}

/**
 * Whether this instance should get traffic (GET /ready), unlike /health, which says only
 * whether the process and its database live: the database answers `SELECT 1`, every migration this code knows is recorded as
 * applied in the database (the server runs them at start; a database restored from an
 * older backup, or a migration reverted under a running server, lacks some), and the
 * instance is not shutting down. Where the database is a Galera node, that node is also
 * ready (`wsrep_ready` ON) and Synced with its cluster: a node that is joining, or cut
 * off from the primary component, refuses statements (errno 1047). Redis (when
 * REDIS_URL is set) is asked PING too, but an instance serves without it (redis.ts): a
 * load balancer following /ready would otherwise turn a Redis outage into a full one,
 * so Redis unreachable leaves the instance ready, "degraded". Each check is bounded by
 * CHECK_TIMEOUT_MS.
 */
export class Readiness {
  private draining = false;
  private last: { at: number; answer: Promise<ReadinessAnswer> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly dataSource: DataSource,
    private readonly redisPing?: () => Promise<unknown>,
  ) {}

  /** From now on /ready answers 503, so load balancers stop sending work here. */
  drain(): void {
    this.draining = true;
  }

  check(): Promise<ReadinessAnswer> {
    if (this.draining) return Promise.resolve({ ready: false, body: { status: "shutting down" } });
    const now = performance.now();
    if (!this.last || now - this.last.at >= REUSE_MS) this.last = { at: now, answer: this.run() };
    return this.last.answer;
  }

  private async run(): Promise<ReadinessAnswer> {
    const [database, redis, migrations, galera] = await Promise.all([
      outcome(this.db.ping(), "ok", "unreachable"),
      this.redisPing ? outcome(this.redisPing(), "ok", "unreachable") : Promise.resolve("not configured"),
      this.migrationsApplied().then(
        (applied) => (applied ? "applied" : "pending"),
        () => "unknown",
      ),
      this.galeraNode(),
    ]);
    const ready = database === "ok" && migrations === "applied" && (galera === undefined || galera === "synced");
    const status = !ready ? "unavailable" : redis === "unreachable" ? "degraded" : "ready";
    return { ready, body: { status, database, redis, migrations, ...(galera && { galera }) } };
  }

  /** "synced", or why the Galera node cannot serve; undefined where the database is not a Galera node. */
  private async galeraNode(): Promise<string | undefined> {
    if (!this.db.galera) return undefined;
    try {
      const state = await withTimeout(this.db.nodeState(), CHECK_TIMEOUT_MS);
      if (!state) return undefined;
      if (!state.ready) return "not ready";
      return state.localState === 4 ? "synced" : `not synced (state ${state.localState})`;
    } catch {
      return "unreachable";
    }
  }

  private async migrationsApplied(): Promise<boolean> {
    const table = this.dataSource.options.migrationsTableName ?? "migrations";
    const rows = await withTimeout(this.db.select<{ name: string }>(`SELECT name FROM ${table}`, []), CHECK_TIMEOUT_MS);
    const recorded = new Set(rows.map((row) => row.name));
    return this.dataSource.migrations.every((migration) => migration.name !== undefined && recorded.has(migration.name));
  }
}

function outcome(work: Promise<unknown>, ok: string, failed: string): Promise<string> {
  return withTimeout(work, CHECK_TIMEOUT_MS).then(
    () => ok,
    () => failed,
  );
}
