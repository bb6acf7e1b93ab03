import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { spawnServer, type ServerProcess } from "../../scripts/server-process";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";

const run = promisify(execFile);
const EXAMPLES = join(__dirname, "..", "..", "examples");

const haveTools = ["jq", "curl"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);
if (!haveTools) process.stdout.write("[examples] needs curl and jq: SKIPPED\n");

/**
 * The README's walkthroughs are scripts in examples/: each captures the ids it needs and
 * makes its own phone number and keys, so it runs twice in a row against one server.
 */
(haveTools ? describe : describe.skip).each(engines)("the example scripts (%s)", (engine) => {
  let database: TestDatabase;
  let server: ServerProcess;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    server = await spawnServer({
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      DATA_DIR: database.dataDir,
      ADMIN_TOKEN,
      PASSWORD_HASH_COST: "10",
      LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  const twice = async (script: string) => {
    const env = { ...process.env, API: `${server.url}/graphql`, ADMIN_TOKEN };
    const first = await run("bash", [join(EXAMPLES, script)], { env });
    const second = await run("bash", [join(EXAMPLES, script)], { env });
    return [first.stdout, second.stdout];
  };

  it("pay.sh approves a payment, twice in a row", async () => {
    for (const out of await twice("pay.sh")) {
      expect(out).toMatch(/"redeemCode":\{"status":"APPROVED","approvalNumber":"[A-Z0-9]{6}"\}/);
      expect(out).toMatch(/"payments":\{"nodes":\[\{"status":"APPROVED","amount":1200/);
    }
  });

  it("gate.sh admits a ticket once and denies the second scan, twice in a row", async () => {
    for (const out of await twice("gate.sh")) {
      expect(out).toContain('{"admitTicket":{"result":"ADMITTED","reason":null,"admittedCount":1}}');
      expect(out).toContain('{"admitTicket":{"result":"DENIED","reason":"ALREADY_USED","admittedCount":1}}');
    }
  });

  it("partner.sh collects a bill in cash and the biller sees it paid, twice in a row", async () => {
    for (const out of await twice("partner.sh")) {
      expect(out).toMatch(/"collectBill":\{"status":"PAID"/);
      expect(out).toMatch(/"bills":\[\{"reference":"W-\d{8}","amount":4320,"status":"PAID","paidAtStore":"Corner Store"\}\]/);
    }
  });

  it("stops with the server's error, not a half-finished run, when a call fails", async () => {
    const env = { ...process.env, API: `${server.url}/graphql`, ADMIN_TOKEN: "not-the-admin-token" };
    await expect(run("bash", [join(EXAMPLES, "pay.sh")], { env })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("UNAUTHENTICATED"),
    });
  });
});
