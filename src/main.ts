import "reflect-metadata";
import { createApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { createLogger, stdoutDestination } from "./logger";

/** Start: config, database, HTTP + WebSocket on one port; stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, stdoutDestination());
  let app;
  try {
    app = await createApp({ config, logger });
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(2);
    }
    throw error;
  }
  let url;
  try {
    url = await app.listen();
  } catch (error) {
    // Not serving, the instance must not run its pool and jobs either: it stops, and says why.
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EADDRINUSE" ? "is in use by another process" : `cannot be listened on (${code ?? "unknown error"})`;
    const message = `port ${config.port} ${why}; not starting`;
    logger.fatal({ code, host: config.host, port: config.port }, message);
    // The log is buffered and may not reach stdout before the exit: stderr says it for sure.
    process.stderr.write(`wallet-center: ${message}\n`);
    await app.close().catch(() => undefined);
    process.exit(1);
  }
  logger.info(
    { url: `${url}/graphql`, database: config.databaseUrl ? "mysql" : "sqlite", env: config.nodeEnv },
    "wallet-center listening",
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs: config.shutdownDrainMs }, "shutting down");
    const force = setTimeout(() => process.exit(1), config.shutdownDrainMs + 15_000);
    force.unref();
    // /ready answers 503 first, while requests are still served, so a load balancer
    // that probes it stops sending new ones before the server stops taking them.
    app.drain();
    if (config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    await app.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  process.stderr.write(`wallet-center failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
