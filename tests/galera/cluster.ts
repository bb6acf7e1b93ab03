import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";

/**
 * The 3-node Galera cluster of scripts/galera on loopback, for tests/galera and the
 * bench. GALERA=1 asks for it: it is used if it already runs, else started (and then
 * stopped at the end by whoever started it).
 */
const SCRIPTS = join(__dirname, "..", "..", "scripts", "galera");
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

/** Starts node `n` again from its recovered position; resolves once it is Synced. */
export function restartNode(n: number): void {
  execFileSync(join(SCRIPTS, "start-node.sh"), [String(n)], { stdio: "inherit", timeout: 180_000 });
}

/** A fresh database on the cluster: its URL on each node, and what drops it. */
export async function clusterDatabase(): Promise<{ urls: string[]; drop(): Promise<void> }> {
  const name = `wallet_galera_${randomBytes(4).toString("hex")}`;
  const admin = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[0], user: "root" });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
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
