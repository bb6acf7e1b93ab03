import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIN, spawnServer } from "../../scripts/server-process";

/** How long the second server has to give up before the test counts it as still running. */
const GIVE_UP_WITHIN_MS = 60_000;

describe("a server started on a port in use", () => {
  const dataDirs = [mkdtempSync(join(tmpdir(), "wallet-center-port-a-")), mkdtempSync(join(tmpdir(), "wallet-center-port-b-"))];
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("exits non-zero and says the port is in use, while the first one serves on", async () => {
    const first = await spawnServer({ DATA_DIR: dataDirs[0] });
    try {
      const port = new URL(first.url).port;
      const second = spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: port, DATA_DIR: dataDirs[1] },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      second.stdout.on("data", (chunk) => (output += chunk));
      second.stderr.on("data", (chunk) => (output += chunk));
      const code = await new Promise<number | null | "still running">((resolve) => {
        const timer = setTimeout(() => {
          second.kill("SIGKILL");
          resolve("still running");
        }, GIVE_UP_WITHIN_MS);
        second.once("exit", (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      expect(code).not.toBe("still running");
      expect(code).not.toBe(0);
      expect(output).toMatch(new RegExp(`port ${port} .*in use`));
      expect((await fetch(`${first.url}/health`)).ok).toBe(true);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });
});
