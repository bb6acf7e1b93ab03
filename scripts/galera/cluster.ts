import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";

/**
 * The 3-node Galera cluster of scripts/galera on loopback, for tests/galera and the
 * bench. GALERA=1 asks for it: it is used if it already runs, else started (and then
 * stopped at the end by whoever started it).
 */
// Beside this file, or, once built into dist/scripts/galera, in the source tree's.
const SCRIPTS = existsSync(join(__dirname, "start-cluster.sh")) ? __dirname : join(__dirname, "..", "..", "..", "scripts", "galera");
const GALERA_DIR = process.env.GALERA_DIR ?? "/tmp/wallet-galera";
export const NODE_PORTS = [3316, 3326, 3336] as const;

export const galeraWanted = process.env.GALERA === "1";

/** Whether node `n` (1..3) answers as a Galera node. */
export async function nodeAnswers(n: number): Promise<boolean> {
  try {
    const connection = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[n - 1], user: "root", connectTimeout: 2000 });
    try {
      const [rows] = await connection.query("SHOW VARIABLES LIKE 'wsrep_on'");
      return (rows as Array<{ Value: string }>)[0]?.Value === "ON";
    } finally {
      await connection.end();
    }
  } catch {
    return false;
  }
}

/** Starts the cluster unless all three nodes answer; resolves to whether this call started it. */
export async function ensureCluster(): Promise<boolean> {
  const up = await Promise.all([1, 2, 3].map(nodeAnswers));
  if (up.every(Boolean)) return false;
  execFileSync(join(SCRIPTS, "start-cluster.sh"), { stdio: "inherit", timeout: 180_000 });
  return true;
}

export function stopCluster(): void {
  execFileSync(join(SCRIPTS, "stop-cluster.sh"), { stdio: "inherit", timeout: 120_000 });
}

/** kill -9 of node `n`'s mariadbd. */
export function killNode(n: number): void {
  const pid = Number(readFileSync(join(GALERA_DIR, `node${n}`, "mariadbd.pid"), "utf8"));
  process.kill(pid, "SIGKILL");
}

/**
 * Starts node `n` again from its recovered position; resolves once it is Synced. The
 * event loop runs meanwhile: the servers' output is read and idle keep-alive sockets
 * closed by a server are noticed, as they would not be while a synchronous call waits.
 */
export function restartNode(n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(SCRIPTS, "start-node.sh"), [String(n)], { stdio: "inherit", timeout: 180_000 });
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`start-node.sh ${n} ended with ${signal ?? code}`))));
  });
}

/** Runs `sql` on node `n` (1..3) on a connection of its own; resolves to its rows. */
export async function onNode<R = Record<string, unknown>>(n: number, sql: string, params: unknown[] = []): Promise<R[]> {
  const connection = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[n - 1], user: "root", multipleStatements: true });
  try {
    const [rows] = await connection.query(sql, params);
    return rows as R[];
  } finally {
    await connection.end();
  }
}

/** A SELECT on node `n` once that node has applied every write committed in the cluster. */
export function freshOnNode<R = Record<string, unknown>>(n: number, sql: string, params: unknown[] = []): Promise<R[]> {
  return onNode<R>(n, `SET STATEMENT wsrep_sync_wait = 1 FOR ${sql}`, params);
}

/**
 * Resolves once every node is Synced, has nothing left in its receive queue, and has
 * committed the same last write set: all three hold the same data.
 */
export async function waitUntilConverged(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let states: Array<Record<string, string>> = [];
  while (Date.now() < deadline) {
    states = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const rows = await onNode<{ Variable_name: string; Value: string }>(
          n,
          "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_local_recv_queue', 'wsrep_last_committed')",
        );
        return Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
      }),
    );
    const settled = states.every((s) => s.wsrep_local_state === "4" && s.wsrep_local_recv_queue === "0");
    if (settled && new Set(states.map((s) => s.wsrep_last_committed)).size === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the nodes did not converge within ${timeoutMs} ms: ${JSON.stringify(states)}`);
}

/** CHECKSUM TABLE of every table of `database` on node `n`, by table name. */
export async function tableChecksums(n: number, database: string): Promise<Record<string, string>> {
  const tables = await onNode<{ name: string }>(n, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name", [database]);
  if (tables.length === 0) return {};
  const rows = await onNode<{ Table: string; Checksum: string | number | null }>(n, `CHECKSUM TABLE ${tables.map((t) => `\`${database}\`.\`${t.name}\``).join(", ")}`);
  return Object.fromEntries(rows.map((r) => [r.Table.slice(database.length + 1), String(r.Checksum)]));
}

/** A fresh database on the cluster: its name, its URL on each node, and what drops it. */
export async function clusterDatabase(): Promise<{ name: string; urls: string[]; drop(): Promise<void> }> {
  const name = `wallet_galera_${randomBytes(4).toString("hex")}`;
  const admin = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[0], user: "root" });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    name,
    urls: NODE_PORTS.map((port) => `mysql://root@127.0.0.1:${port}/${name}`),
    drop: async () => {
      for (const n of [1, 2, 3]) {
        if (!(await nodeAnswers(n))) continue;
        const connection = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[n - 1], user: "root" });
        await connection.query(`DROP DATABASE IF EXISTS ${name}`);
        await connection.end();
        return;
      }
    },
  };
}
