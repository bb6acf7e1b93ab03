import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { cpus } from "node:os";
import type { Pool } from "mysql2/promise";

/** Resident memory of a process, in bytes (Linux). */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) * 1024;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of stat; after the ") " split they are 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

let ticks: number | undefined;
function ticksPerSecond(): number {
  ticks ??= Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  return ticks;
}

/** The pid of a process on this machine by its program name, if one runs. */
export function pidOf(name: string): number | null {
  try {
    return Number(execFileSync("pidof", ["-s", name]).toString().trim()) || null;
  } catch {
    return null;
  }
}

/**
 * The pid of the local MySQL/MariaDB server the bench talks to: the one listening on
 * MYSQL_URL's port (default 3306), so another server on the machine (a test's own, a
 * Galera node) is never measured in its place; else any, if one runs.
 */
export function mysqldPid(): number | null {
  const port = Number(new URL(process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306").port || 3306);
  const candidates = [...pidsOf("mariadbd"), ...pidsOf("mysqld")];
  const listening = listeningInodes(port);
  const owner = candidates.find((pid) => socketInodesOf(pid).some((inode) => listening.has(inode)));
  return owner ?? candidates[0] ?? null;
}

function pidsOf(name: string): number[] {
  try {
    return execFileSync("pidof", [name]).toString().trim().split(/\s+/).map(Number).filter(Boolean);
  } catch {
    return [];
  }
}

/** The inodes of the sockets listening on a TCP port, from /proc/net/tcp and tcp6 (Linux). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is field 1 (address:port in hex), st is field 3 (0A = LISTEN), inode is field 9.
      if (fields.length > 9 && fields[1].endsWith(`:${hexPort}`) && fields[3] === "0A") inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** The inodes of a process's open sockets (its fds that link to socket:[inode]). */
function socketInodesOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        return target.startsWith("socket:[") ? [target.slice(8, -1)] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

export type CpuPerOp = Record<string, number | null>;

/** Jiffies since boot over all CPUs: busy ones and all of them (Linux /proc/stat). */
function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  const idle = fields[3] + (fields[4] ?? 0); // idle and iowait
  return { busy: total - idle, total };
}

/**
 * CPU milliseconds per operation that each process spent while `work` ran: with the
 * server, the database and the load generator on the same cores, this says which of
 * them a path is really short of. `coresBusy` is how many of the machine's cores were
 * busy on average meanwhile, by any process: a path that leaves cores idle is bound by
 * one process's thread, not by the machine.
 */
export async function cpuPerOp<T extends { count: number }>(
  pids: Record<string, number | null>,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuPerOp; coresBusy: number }> {
  const read = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSecondsOf(pid) : null]));
  const before = read();
  const machineBefore = machineJiffies();
  const result = await work();
  const machineAfter = machineJiffies();
  const after = read();
  const perOp = (name: string) => {
    const [b, a] = [before[name], after[name]];
    return a === null || b === null || result.count === 0 ? null : Math.round(((a - b) * 1000 * 100) / result.count) / 100;
  };
  const share = (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total);
  return {
    result,
    cpu: Object.fromEntries(Object.keys(pids).map((name) => [name, perOp(name)])),
    coresBusy: Math.round(share * cpus().length * 100) / 100,
  };
}

/**
 * MySQL's own counters of commands received and of rows read past an index lookup
 * (Handler_read_next, _rnd_next: a scan shows there first), server-wide: run nothing
 * else meanwhile. Unlike CPU time, the count per operation is exact and repeatable.
 */
export async function mysqlCommandCounts(pool: Pool): Promise<Record<string, number>> {
  const [rows] = await pool.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_stmt_execute', 'Com_begin', 'Com_commit', 'Com_select', 'Com_insert', 'Com_update', 'Handler_read_next', 'Handler_read_rnd_next')",
  );
  return Object.fromEntries((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, Number(r.Value)]));
}

/** Commands per operation between two readings of `mysqlCommandCounts` (minus the readings' own). */
export function commandsPerOp(before: Record<string, number>, after: Record<string, number>, ops: number): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after).map((k) => [k, Math.round(((after[k] - before[k] - (k === "Questions" ? 1 : 0)) / ops) * 100) / 100]),
  );
}

/** Server-wide counters that say what a write path costs MySQL: statements, rows touched, lock waits, log flushes. */
export const MYSQL_WORK_COUNTERS = [
  "Questions",
  "Com_select",
  "Com_insert",
  "Com_update",
  "Com_delete",
  "Com_commit",
  "Com_rollback",
  "Handler_read_key",
  "Handler_read_next",
  "Handler_read_rnd_next",
  "Handler_write",
  "Handler_update",
  "Handler_delete",
  "Innodb_row_lock_waits",
  "Innodb_row_lock_time",
  "Innodb_deadlocks",
  "Innodb_os_log_fsyncs",
  "Innodb_data_fsyncs",
];

/** MySQL's status counters `names` (default MYSQL_WORK_COUNTERS) as they stand now (server-wide: whatever else runs counts too). */
export async function mysqlWorkCounters(pool: Pool, names: string[] = MYSQL_WORK_COUNTERS): Promise<Record<string, number>> {
  const [rows] = await pool.query(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => "?").join(", ")})`, names);
  return Object.fromEntries((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, Number(r.Value)]));
}
