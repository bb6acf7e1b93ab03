import { AdminClient } from "../../clients/admin";
import { DeviceKey, offlinePaymentToken } from "../../clients/device-key";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { RegisterClient } from "../../clients/register";
import { spawnServer, type ServerProcess } from "../../scripts/server-process";
import { productionKeys } from "../support/production";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";
import { eventually } from "../support/eventually";
import { createConnection } from "mysql2/promise";
import { Db, createDataSource, syncedFirst } from "../../src/database";
import { NODE_PORTS, clusterDatabase, ensureCluster, freshOnNode, galeraWanted, killNode, onNode, restartNode, stopCluster, tableChecksums, waitUntilConverged } from "../../scripts/galera/cluster";

/**
 * Three production server processes, each on its own node of a 3-node Galera cluster
 * (scripts/galera), sharing the test Redis: every race that is exact on one database
 * stays exact when its contenders commit on different nodes, and a node killed under
 * load costs the instances on the others a pause, and its own instance a failover
 * (DATABASE_REPLICA_URLS), never a failed payment; once it has rejoined, the three
 * nodes hold the same data, table by table. GALERA=1 runs it.
 */
const runs = galeraWanted && Boolean(process.env.TEST_REDIS_URL);
if (!runs) {
  process.stdout.write(
    `[galera] ${galeraWanted ? "needs Redis" : "set GALERA=1 to start a 3-node Galera cluster on loopback and run"} (tests/galera): SKIPPED\n`,
  );
}
const describeIf = runs ? describe : describe.skip;
jest.setTimeout(240_000);

const HOUR = 3_600_000;
const ROUNDS = Number(process.env.COMMIT_RACE_ROUNDS ?? 150);
const LIST_READS = 200;
const OTHER_LIST_READS = 30;

describeIf("three instances on three Galera nodes", () => {
  let startedCluster = false;
  let database: Awaited<ReturnType<typeof clusterDatabase>>;
  let servers: ServerProcess[] = [];
  const urls = () => servers.map((s) => s.url);

  beforeAll(async () => {
    startedCluster = await ensureCluster();
    database = await clusterDatabase();
    const shared = {
      ...productionKeys(),
      REDIS_URL: process.env.TEST_REDIS_URL!,
      ADMIN_TOKEN,
      PASSWORD_HASH_COST: "10",
      INSTITUTION_LATENCY_MS: "5",
      LOG_LEVEL: "warn",
      RATE_LOGIN_PER_ADDRESS_PER_MIN: "1000",
      // One phone and one register make every code and redemption of the load below.
      RATE_CODE_ISSUE_PER_PHONE_PER_MIN: "100000",
      RATE_PAYMENT_REQUESTS_PER_REGISTER_PER_MIN: "100000",
      RATE_PAYMENT_REQUESTS_PER_PHONE_PER_REGISTER_PER_MIN: "100000",
    };
    const envFor = (i: number) => ({
      ...shared,
      DATA_DIR: `/tmp/wallet-galera-instance-${process.pid}-${i}`,
      DATABASE_URL: database.urls[i],
      DATABASE_REPLICA_URLS: [1, 2].map((d) => database.urls[(i + d) % 3]).join(","),
    });
    // The first migrates the database; the others find it current.
    servers = [await spawnServer(envFor(0), { timeoutMs: 60_000 })];
    servers.push(...(await Promise.all([1, 2].map((i) => spawnServer(envFor(i), { timeoutMs: 60_000 })))));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
    if (startedCluster) stopCluster();
  });

  /** Each instance in turn. */
  const across = <T>(count: number, work: (url: string, i: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => work(urls()[i % 3], i)));
  const outcome = (work: Promise<unknown>) => work.then(() => "OK", (error) => errorCodeOf(Promise.reject(error)));

  it("redeem: one code redeemed 24 times at once across the instances is APPROVED once", async () => {
    const shopper = await newShopper(urls()[0]);
    const { apiKey } = await newRegister(urls()[1]);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const outcomes = await across(24, (url, i) => outcome(new RegisterClient(url, apiKey).redeemCode(code, { amount: 500, currency: "JPY" }, `race-${i}`)));
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes).not.toContain("INTERNAL_SERVER_ERROR");
    expect((await shopper.phone.payments()).nodes.filter((p) => p.status === "APPROVED")).toHaveLength(1);
  });

  it("idempotency: one key sent 20 times at once across the instances makes one payment, which every answer names", async () => {
    const shopper = await newShopper(urls()[0]);
    const { apiKey } = await newRegister(urls()[2]);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const answers = await across(20, (url) => new RegisterClient(url, apiKey).redeemCode(code, { amount: 700, currency: "JPY" }, "one-key"));
    expect(new Set(answers.map((p) => p.id)).size).toBe(1);
    expect((await shopper.phone.payments()).nodes).toHaveLength(1);
  });

  it("the commit race: 20 redeems with one code and one key at once across the instances, 150 rounds: every answer names the one payment, APPROVED", async () => {
    // Each round's claims collide on three nodes; a transaction a node aborted must never
    // answer OK (tests/galera/commit-race.test.ts has the same race in plain SQL).
    const shopper = await newShopper(urls()[0]);
    const { apiKey } = await newRegister(urls()[1]);
    const registers = urls().map((url) => new RegisterClient(url, apiKey));
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          registers[i % 3].redeemCode(code, { amount: 300, currency: "JPY" }, `commit-race-${round}`).then(
            (p) => `${p.id} ${p.status}`,
            (error) => `error ${(error as Error).message}`,
          ),
        ),
      );
      const distinct = [...new Set(answers)];
      if (distinct.length !== 1 || !distinct[0].endsWith(" APPROVED")) wrong.push(`round ${round}: ${distinct.join(", ")}`);
    }
    if (wrong.length > 0) servers.forEach((s, i) => process.stdout.write(`[galera] instance ${i} warnings and errors:\n${errorLines(s.output())}\n`));
    expect(wrong).toEqual([]);
    const payments = [];
    for (let after: string | null = null, more = true; more; ) {
      const page: Awaited<ReturnType<typeof shopper.phone.payments>> = await shopper.phone.payments(100, after);
      payments.push(...page.nodes);
      after = page.nextCursor;
      more = after !== null;
    }
    expect(payments.filter((p) => p.status === "APPROVED")).toHaveLength(ROUNDS);
    expect(payments).toHaveLength(ROUNDS);
  });

  it("a device's offline limits hold when its tokens are redeemed at once across the instances", async () => {
    const shopper = await newShopper(urls()[0]);
    const key = await DeviceKey.generate();
    const device = await shopper.phone.registerDevice(key, "Offline phone", PASSWORD);
    await shopper.phone.setOfflineLimits(device.id, 5_000, 3, PASSWORD);
    const { apiKey } = await newRegister(urls()[1]);
    const tokens = await Promise.all(Array.from({ length: 9 }, () => offlinePaymentToken(key, shopper.card.id, 2_000, new Date())));
    // 1,500 each against 5,000 and 3 a day: three fit, whichever nodes the others commit on.
    const outcomes = await across(9, (url, i) => outcome(new RegisterClient(url, apiKey).redeemCode(tokens[i], { amount: 1_500, currency: "JPY" }, `offline-${i}`)));
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "AMOUNT_OVER_LIMIT")).toHaveLength(6);
  });

  it("a program's messages per member a day hold when sends race across the instances", async () => {
    const admin = new AdminClient(urls()[0], ADMIN_TOKEN);
    const partner = await admin.createPartner("Galera Mart HQ");
    const program = await admin.createProgram({ name: "Galera Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const partnerKey = (await admin.issueApiKey("PARTNER", partner.id)).key;
    const fan = await newShopper(urls()[0]);
    await fan.phone.joinProgram(program.id);
    // MESSAGES_PER_MEMBER_PER_DAY is 3: of nine sends at once, three reach the member.
    const reached = await across(9, (url, i) => new PartnerClient(url, partnerKey).sendMessage(program.id, `Sale ${i}`, "Today only"));
    expect(reached.reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(await fan.phone.messages()).toHaveLength(3);
  });

  it("one ticket scanned at 8 gates across the instances is ADMITTED once", async () => {
    const { shop, gateKey, event } = await venue();
    const fan = await newShopper(urls()[0]);
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "RACE-1", holderPhone: fan.phoneNumber });
    const { code } = await fan.phone.issueTicketCode(ticket.id, PASSWORD);
    const outcomes = await across(8, (url, i) => new GateClient(url, gateKey).admitTicket(code, event.id, `Gate ${i + 1}`));
    expect(outcomes.filter((a) => a.result === "ADMITTED")).toHaveLength(1);
    expect(outcomes.filter((a) => a.reason === "ALREADY_USED")).toHaveLength(7);
    expect(await shop.attendance(event.id)).toMatchObject({ ticketsIssued: 1, admitted: 1 });
  });

  it("32 different tickets at one event at once across the instances: 32 admitted, no error", async () => {
    const { shop, gateKey, event } = await venue();
    const fan = await newShopper(urls()[0]);
    const codes: string[] = [];
    for (let i = 0; i < 32; i++) {
      const ticket = await shop.postTicket({ eventId: event.id, issueNumber: `MANY-${i}`, holderPhone: fan.phoneNumber });
      codes.push((await fan.phone.issueTicketCode(ticket.id, PASSWORD)).code);
    }
    const outcomes = await across(32, (url, i) =>
      new GateClient(url, gateKey).admitTicket(codes[i], event.id, `Gate ${(i % 8) + 1}`).then(
        (a) => a.result,
        (error) => errorCodeOf(Promise.reject(error)),
      ),
    );
    expect(outcomes.filter((o) => o === "ADMITTED")).toHaveLength(32);
    expect(await shop.attendance(event.id)).toMatchObject({ ticketsIssued: 32, admitted: 32 });
  });

  it("points: 10 settlements of 24 points at once across the instances against 100 points: 4 succeed, and every node holds 4 points, never fewer", async () => {
    const admin = new AdminClient(urls()[0], ADMIN_TOKEN);
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const store = await admin.createStore("Sunshine Mart Ebisu", "JPY", program.id);
    const { key } = await admin.issueApiKey("REGISTER", store.id);
    const member = await newShopper(urls()[0]);
    const { memberNumber } = await member.phone.joinProgram(program.id);
    // Every member code is issued through the first instance, and used through all three.
    const memberCode = async () => (await member.phone.issueMemberCode(program.id, PASSWORD)).code;
    await new RegisterClient(urls()[1], key).settlePoints(await memberCode(), 10_000, 0, "earn"); // 100 points
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push(await memberCode());

    const outcomes = await across(10, (url, i) => outcome(new RegisterClient(url, key).settlePoints(codes[i], 24, 24, `spend-${i}`)));
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(4);
    expect(outcomes.filter((o) => o === "INSUFFICIENT_POINTS")).toHaveLength(6);
    const balances = await Promise.all(
      [1, 2, 3].map((n) =>
        freshOnNode<{ points: string; lowest: number }>(
          n,
          `SELECT SUM(l.remaining) AS points, MIN(l.remaining) AS lowest FROM \`${database.name}\`.point_lots l JOIN \`${database.name}\`.memberships m ON m.id = l.membershipId WHERE m.memberNumber = ?`,
          [memberNumber],
        ),
      ),
    );
    expect(balances.map(([b]) => [Number(b.points), Number(b.lowest) >= 0])).toEqual([
      [4, true],
      [4, true],
      [4, true],
    ]);
  });

  it("read-your-writes: the lists a caller reads right after acting, through the next instance, hold what it did", async () => {
    const shopper = await newShopper(urls()[0]);
    const phones = urls().map((url) => new PhoneClient(url, shopper.phone.token!));
    const { apiKey } = await newRegister(urls()[0]);
    const stale: string[] = [];
    // Each act goes through instance i, and the list is read at once through instance i + 1.
    for (let i = 0; i < LIST_READS; i++) {
      const { code } = await phones[i % 3].issuePaymentCode(shopper.card.id, PASSWORD);
      const paid = await new RegisterClient(urls()[i % 3], apiKey).redeemCode(code, { amount: 100, currency: "JPY" }, `ryw-${i}`);
      const [latest] = (await phones[(i + 1) % 3].payments(1)).nodes;
      if (latest?.id !== paid.id || latest.status !== paid.status) stale.push(`payment ${i}: ${latest?.status ?? "missing"}`);
    }
    const { partnerKey, event } = await venue();
    const admin = new AdminClient(urls()[0], ADMIN_TOKEN);
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const store = await admin.createStore("Sunshine Mart Ebisu", "JPY", program.id);
    const { key } = await admin.issueApiKey("REGISTER", store.id);
    await shopper.phone.joinProgram(program.id);
    const shops = urls().map((url) => new PartnerClient(url, partnerKey));
    for (let i = 0; i < OTHER_LIST_READS; i++) {
      const via = urls()[i % 3];
      await shops[i % 3].postTicket({ eventId: event.id, issueNumber: `RYW-${i}`, holderPhone: shopper.phoneNumber });
      if ((await phones[(i + 1) % 3].tickets()).length !== i + 1) stale.push(`ticket ${i}`);
      await shops[i % 3].postBill({ customerPhone: shopper.phoneNumber, reference: `RYW-${i}`, amount: 1000, currency: "JPY", dueDate: new Date(Date.now() + HOUR).toISOString() });
      if ((await phones[(i + 1) % 3].bills()).length !== i + 1) stale.push(`bill ${i}`);
      const { code } = await phones[i % 3].issueMemberCode(program.id, PASSWORD);
      await new RegisterClient(via, key).settlePoints(code, 10_000, 0, `ryw-points-${i}`); // 100 points each
      const [membership] = await phones[(i + 1) % 3].memberships();
      if (membership?.points !== 100 * (i + 1)) stale.push(`points ${i}: ${membership?.points}`);
    }
    expect(stale).toEqual([]);
  });

  it("a read inside a transaction does not wait for its node to catch up; the transaction run again caught up sees what another node committed", async () => {
    // Why a code not found inside a transaction has the transaction run again (Tx.runAgainCaughtUp).
    const probe = `${database.name}_probe`;
    await onNode(1, `CREATE DATABASE ${probe}; CREATE TABLE ${probe}.codes (hash VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB`);
    await freshOnNode(2, `SELECT hash FROM ${probe}.codes`);
    const dataSource = await createDataSource({ databaseUrl: database.urls[1], dataDir: `/tmp/wallet-galera-probe-${process.pid}` });
    await dataSource.initialize();
    // Node 2 applies nothing from the others while a read lock is held on it.
    const pause = await createConnection({ host: "127.0.0.1", port: NODE_PORTS[1], user: "root" });
    try {
      const db = new Db(dataSource);
      expect(await db.detectCluster()).toBe(true);
      await pause.query("FLUSH TABLES WITH READ LOCK");
      await onNode(1, `INSERT INTO ${probe}.codes VALUES ('h')`);
      setTimeout(() => void pause.query("UNLOCK TABLES"), 1000);
      const seen: Array<[boolean, number]> = [];
      await db.tx(async (tx) => {
        const rows = await tx.select(syncedFirst(`SELECT hash FROM ${probe}.codes WHERE hash = ?`), ["h"]);
        seen.push([tx.caughtUp, rows.length]);
        if (rows.length === 0 && !tx.caughtUp) tx.runAgainCaughtUp();
      });
      expect(seen).toEqual([
        [false, 0],
        [true, 1],
      ]);
    } finally {
      await pause.end();
      await dataSource.destroy();
      await onNode(1, `DROP DATABASE ${probe}`);
    }
  });

  it("a node killed under load: the others go on after Galera's failure detection, its instance fails over, every code issued and every redeem approved", async () => {
    const shopper = await newShopper(urls()[0]);
    const { apiKey } = await newRegister(urls()[0]);
    const registers = urls().map((url) => new RegisterClient(url, apiKey));
    const outcomes: string[][] = [[], [], []];
    let stop = false;
    // Each instance redeems fresh codes, one after the other, for the whole test.
    const load = registers.map(async (register, i) => {
      for (let n = 0; !stop; n++) {
        // A code's issue and a redeem, each told apart, and a redeem counts only if APPROVED
        // (a stall must not turn into a decline by another instance's recovery).
        const result = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD).then(
          ({ code }) =>
            register.redeemCode(code, { amount: 100, currency: "JPY" }, `load-${i}-${n}`).then(
              (p) => (p.status === "APPROVED" ? "OK" : `${p.status} ${p.declineReason}`),
              (error) => outcome(Promise.reject(error)).then((code) => `redeem ${code}`),
            ),
          (error) => outcome(Promise.reject(error)).then((code) => `issue ${code}`),
        );
        outcomes[i].push(result);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    killNode(3);
    const killedAt = outcomes.map((o) => o.length);
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    stop = true;
    await Promise.all(load);
    try {
      process.stdout.write(`[galera] before the kill, per instance: ${JSON.stringify(outcomes.map((o, i) => tally(o.slice(0, killedAt[i]))))}\n`);
      process.stdout.write(`[galera] after the kill, per instance: ${JSON.stringify(outcomes.map((o, i) => tally(o.slice(killedAt[i]))))}\n`);
      // What an instance logged as an error says why an answer was not OK.
      if (outcomes.flat().some((r) => r !== "OK")) servers.forEach((s, i) => process.stdout.write(`[galera] instance ${i} warnings and errors:\n${errorLines(s.output())}\n`));
      // Each code is fresh and each key new: whatever node each step reaches, every redeem is approved.
      for (const o of outcomes) expect(o.filter((r) => r !== "OK")).toEqual([]);
      // Every instance, the killed node's too, redeemed again after the detection timeout.
      for (let i = 0; i < 3; i++) expect(outcomes[i].slice(killedAt[i]).filter((r) => r === "OK").length).toBeGreaterThan(0);
      expect(servers[2].output()).toMatch(/database node failed; new connections go to the next one/);
    } finally {
      await restartNode(3);
    }
    // Back and Synced: its own instance is ready, serves, and goes back to its own node.
    const ready = await fetch(`${urls()[2]}/ready`);
    expect(ready.status).toBe(200);
    expect(await eventually(() => /database node back and Synced; new connections go to it again/.test(servers[2].output()), 30_000)).toBe(true);
  });

  it("after the kill and the rejoin, every table of the app database has the same checksum on the three nodes", async () => {
    // The instances stop first, so nothing writes while the nodes are compared.
    await Promise.all(servers.map((s) => s.stop()));
    await waitUntilConverged();
    const sums = await Promise.all([1, 2, 3].map((n) => tableChecksums(n, database.name)));
    expect(Object.keys(sums[0]).length).toBeGreaterThan(20);
    expect(sums[0].payments).not.toBe("0");
    expect(sums[1]).toEqual(sums[0]);
    expect(sums[2]).toEqual(sums[0]);
  });

  /** The warning, error and fatal lines of a server's log (pino levels 40 to 60): a failover's retries and recoveries warn. */
  function errorLines(output: string): string {
    return output
      .split("\n")
      .filter((line) => /"level":(40|50|60)/.test(line))
      .join("\n");
  }

  function tally(results: string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of results) counts[r] = (counts[r] ?? 0) + 1;
    return counts;
  }

  async function venue() {
    const admin = new AdminClient(urls()[0], ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const partnerKey = (await admin.issueApiKey("PARTNER", partner.id)).key;
    const shop = new PartnerClient(urls()[1], partnerKey);
    const gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    const event = await shop.createEvent({
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: new Date(now - HOUR).toISOString(),
      startsAt: new Date(now + HOUR).toISOString(),
    });
    return { shop, partnerKey, gateKey, event };
  }
});
