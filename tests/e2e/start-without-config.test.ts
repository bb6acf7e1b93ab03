import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminClient } from "../../clients/admin";
import { MAIN, freePort, spawnServer } from "../../scripts/server-process";
import { publicWebAuthn } from "../support/production";

describe("npm start on a fresh clone", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-center-fresh-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("starts with no configuration on the embedded database, answers /health and GraphQL, and stops cleanly", async () => {
    const server = await spawnServer({ DATA_DIR: dataDir });
    try {
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok", database: "ok" });
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ errorCodes }" }),
      });
      expect(((await response.json()) as { data: { errorCodes: string[] } }).data.errorCodes).toContain("CODE_ALREADY_USED");
      for (const file of ["wallet.sqlite", "admin-token", "card-key", "ticket-signing-key.pem", "vapid-keys.json"]) {
        expect(existsSync(join(dataDir, file))).toBe(true);
      }
      expect(server.output()).toMatch(/ADMIN_TOKEN was not set; generated one/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("refuses to start in production without CARD_KEY, and says why", async () => {
    const { code, output } = await failedStart({ NODE_ENV: "production", DATA_DIR: dataDir, ...publicWebAuthn });
    expect(code).not.toBe(0);
    expect(output).toMatch(/CARD_KEY is required/);
  });
});

/** Starts the built server with exactly this environment (plus PATH) and waits for it to stop. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? "", PORT: String(await freePort()), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

describe("secrets and proxies refused at start", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-center-refused-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("in production without ADMIN_TOKEN: refuses to start, says how to make one, and generates or prints no token", async () => {
    const cardKey = randomBytes(32).toString("hex");
    const { code, output } = await failedStart({
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      ...publicWebAuthn,
      CARD_KEY: cardKey,
      TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      RECEIPT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    });
    expect(code).toBe(2);
    expect(output).toMatch(/ADMIN_TOKEN is required when NODE_ENV=production/);
    expect(output).toContain("openssl rand -base64 32");
    expect(output).not.toMatch(/CARD_KEY is required|TICKET_SIGNING_KEY is required|RECEIPT_SIGNING_KEY is required/);
    // stdout and stderr together: nothing as long as a token (43 base64url characters), no key.
    expect(output).not.toMatch(/[A-Za-z0-9+/_-]{32,}/);
    expect(output).not.toContain(cardKey);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it.each([
    ["TRUST_PROXY", "true", /TRUST_PROXY: true would trust whatever the client writes/],
    ["TRUST_PROXY", "bogus", /TRUST_PROXY: invalid IP address: bogus/],
    ["TRUST_PROXY", "10.0.0.0/40", /TRUST_PROXY: invalid range on address/],
    ["ADMIN_TOKEN", "aaaaaaaaaaaaaaaaaaaaaaaa", /ADMIN_TOKEN: too easy to guess/],
    ["ADMIN_TOKEN", "ab12ab12ab12ab12ab12ab12", /ADMIN_TOKEN: too easy to guess/],
  ])("refuses %s=%s, naming the variable", async (name, value, message) => {
    const { code, output } = await failedStart({ DATA_DIR: dataDir, [name]: value });
    expect(code).toBe(2);
    expect(output).toMatch(message);
    if (name === "ADMIN_TOKEN") expect(output).not.toContain(value);
  });

  it("starts with a token made as the message says", async () => {
    const token = randomBytes(32).toString("base64url");
    const server = await spawnServer({ DATA_DIR: dataDir, ADMIN_TOKEN: token, TRUST_PROXY: "1" });
    try {
      const store = await new AdminClient(server.url, token).createStore("Token Check", "JPY");
      expect(store.name).toBe("Token Check");
      expect(server.output()).not.toMatch(/ADMIN_TOKEN was not set/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
