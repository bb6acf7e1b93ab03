import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIN, freePort, spawnServer } from "../../scripts/server-process";

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
      for (const file of ["wallet.sqlite", "admin-token", "card-key", "ticket-signing-key.pem"]) {
        expect(existsSync(join(dataDir, file))).toBe(true);
      }
      expect(server.output()).toMatch(/ADMIN_TOKEN was not set; generated one/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("refuses to start in production without CARD_KEY, and says why", async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATA_DIR: dataDir, PORT: String(await freePort()) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/CARD_KEY is required/);
  });
});
