import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** The built server, found from scripts/ (tests, via ts-jest) and from dist/scripts/ (bench) alike. */
export const MAIN = join(__dirname, "..", __dirname.includes("/dist/") ? "" : "dist", "src", "main.js");

export interface ServerProcess {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM, and the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

/**
 * Every server this process started and that has not exited. When this process ends
 * (a test file whose setup failed before it kept the handle to stop, a worker jest ends,
 * a bench that throws) they are killed with it, so no server outlives the run that
 * started it.
 */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A free TCP port on the loopback address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the built server (`npm test` builds it first) as its own process, with exactly
 * the environment given (plus PATH and HOME), and waits until GET /health answers. The
 * bound is generous: on a loaded machine a start takes many times its quiet seconds, and
 * only a server that never answers should fail here.
 */
export async function spawnServer(
  env: Record<string, string>,
  options: { timeoutMs?: number; nodeArgs?: string[]; keepLog?: boolean } = {},
): Promise<ServerProcess> {
  const { timeoutMs = 120_000, nodeArgs = [], keepLog = true } = options;
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOST: "127.0.0.1", ...env, PORT: port },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  // The JSON request log can be long (a bench writes a line per request): keep it only when asked.
  child.stdout!.on("data", (chunk) => keepLog && (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not answer /health within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
