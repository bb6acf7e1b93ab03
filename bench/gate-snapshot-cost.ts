import { createConnection } from "mysql2/promise";
import { GateClient, snapshotPages } from "../clients/gate";
import { keepAliveFetch } from "./keep-alive-fetch";
import { cpuSecondsOf, mysqldPid } from "./process-usage";
import { makeActors } from "./scale/make-actors";
import { serials } from "./scale/seed-sql-expr";
import { benchMysqlBase, startBenchServer } from "./server";

/**
 * npm run bench:snapshot [-- --tickets=50000 --walks=6 --profile=<dir>]: what a gate's
 * whole snapshot costs per 1,000 tickets. One event of the bench's server gets
 * `--tickets` tickets, their holders 40,000 customers of whom three in ten have a device
 * (so each page reads keys); after three warm-up walks, `--walks` gates in turn read
 * every page, and the server's and MariaDB's CPU (from /proc) is divided by the tickets
 * read. `--profile`: the server writes a V8 CPU profile there when it stops.
 */
async function main(): Promise<void> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const tickets = Number(arg("tickets") ?? 50_000);
  const walks = Number(arg("walks") ?? 6);
  const customers = Math.min(40_000, tickets);
  const bench = await startBenchServer({ mysqlBase: benchMysqlBase(), databasePrefix: "wc_bench_snapshot_", profileDir: arg("profile") });
  try {
    const actors = await makeActors(bench, bench.databaseUrl, 4);
    const sql = await createConnection({ uri: bench.databaseUrl });
    try {
      const [[shape]] = (await sql.query("SELECT partnerId, validFrom, validUntil FROM tickets WHERE eventId = ? LIMIT 1", [actors.event.id])) as unknown as [
        Array<{ partnerId: string; validFrom: Date; validUntil: Date }>,
      ];
      const phone = (n: string) => `CONCAT('+8190', 10000000 + ${n})`;
      await sql.query(`INSERT INTO customers (id, phone, name, passwordHash, createdAt) SELECT UUID(), ${phone("seq")}, 'Snapshot', 'x', NOW(3) FROM ${serials(0, customers)}`);
      await sql.query(
        "INSERT INTO devices (id, customerId, name, algorithm, publicKey, createdAt) SELECT UUID(), id, 'phone', 'Ed25519', RANDOM_BYTES(44), NOW(3) - INTERVAL 1 DAY " +
          "FROM customers WHERE phone LIKE '+8190%' AND RIGHT(phone, 1) IN ('0', '3', '7')",
      );
      await sql.query(
        "INSERT INTO tickets (id, partnerId, eventId, issueNumber, holderPhone, holderVersion, seat, usesAllowed, usesLeft, validFrom, validUntil, contentHash, createdAt, inside, updatedAt) " +
          `SELECT UUID(), ?, ?, CONCAT('snapshot-', seq), ${phone(`(seq * 7919) % ${customers}`)}, 1, CONCAT('B-', seq), 1, 1, ?, ?, SHA2(seq, 256), NOW(3) - INTERVAL 1 DAY, 0, NOW(3) - INTERVAL 1 DAY ` +
          `FROM ${serials(0, tickets)}`,
        [shape.partnerId, actors.event.id, shape.validFrom, shape.validUntil],
      );
      await sql.query("ANALYZE TABLE tickets, customers, devices");
    } finally {
      await sql.end();
    }
    const gate = new GateClient(actors.url, actors.event.gateKey, { fetch: keepAliveFetch() });
    const walk = async () => {
      let read = 0;
      let pages = 0;
      for await (const page of snapshotPages(gate, actors.event.id)) {
        read += page.tickets.length + page.revokedTicketIds.length;
        pages++;
      }
      return { read, pages };
    };
    for (let i = 0; i < 3; i++) await walk();
    const pids = { server: bench.server.process.pid!, mysqld: mysqldPid() };
    const before = { server: cpuSecondsOf(pids.server), mysqld: pids.mysqld ? cpuSecondsOf(pids.mysqld) : 0, at: Date.now() };
    let last = { read: 0, pages: 0 };
    for (let i = 0; i < walks; i++) last = await walk();
    const perThousand = (seconds: number) => ((seconds * 1000) / ((last.read * walks) / 1000)).toFixed(1);
    process.stdout.write(
      `${last.read} tickets in ${last.pages} pages a walk, ${walks} walks: server ${perThousand(cpuSecondsOf(pids.server) - before.server)} ms of CPU per 1,000 tickets, ` +
        `mysqld ${pids.mysqld ? perThousand(cpuSecondsOf(pids.mysqld) - before.mysqld) : "?"} (all of its clients), ${Math.round((Date.now() - before.at) / walks)} ms a walk\n`,
    );
  } finally {
    await bench.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
