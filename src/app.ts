import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { DataSource } from "typeorm";
import { WebSocketServer, type WebSocket } from "ws";
import { systemClock, type Clock } from "./clock";
import type { Config } from "./config";
import { Db, createDataSource } from "./database";
import { runMigrationsLocked } from "./database/migration-lock";
import { developmentExplorer } from "./http/explorer";
import { graphqlOverHttp } from "./http/graphql-over-http";
import { addressOf, requestListener } from "./http/request-listener";
import { webApp } from "./http/web-app";
import { createLogger, plainLinesOf, type Logger } from "./logger";
import { connectRedis } from "./redis";
import { buildWalletSchema } from "./schema/build-schema";
import { requestContext, type RequestContext } from "./schema/context";
import { formatError } from "./schema/errors";
import { MAX_TOKENS, armorProtection, introspectionOnlyForAdmin, introspectionRule } from "./schema/limits";
import { requestLog } from "./schema/request-log";
import { subscriptionsOnlyOverWebSocket } from "./schema/subscriptions-over-http";
import { resolveSecrets } from "./secrets";
import { createServices, type Services } from "./services";
import { EventBus } from "./services/kernel/events";
import type { CardInstitution } from "./services/institutions/institution";
import { SimulatedInstitution } from "./services/institutions/simulator";
import { RateLimits, bucketLimits } from "./services/kernel/rate-limits";
import type { SmsSender } from "./services/sms/sms-sender";
import { smsSenderFor } from "./services/sms/sms-sender-for";
import { originAllowed, serveGraphqlWs } from "./websocket";
import { OpenSockets } from "./open-sockets";
import { metricsAccess } from "./metrics/access";
import { registerDatabaseGauges } from "./metrics/database-gauges";
import { registerDegradedGauge } from "./metrics/degraded-gauge";
import { operationNames } from "./metrics/labels";
import { meteredInstitution } from "./metrics/metered-institution";
import { SocketOperationMetrics, operationMetrics } from "./metrics/operation-metrics";
import { registerSocketGauge } from "./metrics/socket-gauge";
import { WalletMetrics } from "./metrics/wallet-metrics";
import { Readiness } from "./readiness";
import type { Caller } from "./services/kernel/caller";
import { RepeatAlone } from "./services/kernel/repeat-alone";
import { countSocketsWithoutCredential } from "./ws/anonymous-sockets";
import { logProtocolErrorsQuietly } from "./ws/protocol-errors";

export interface AppOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  /** A real acquirer connector; the simulator when not given. */
  institution?: CardInstitution;
  /** An SMS sender; else SMS_GATEWAY_URL's, else the simulator outside production. */
  sms?: SmsSender;
}

export interface App {
  services: Services;
  dataSource: DataSource;
  /** The transactions every service runs in (tests use it to write as a service would). */
  db: Db;
  institution: CardInstitution;
  /** Where sign-up codes go (the simulator in development and tests: a test reads what it sent). */
  sms: SmsSender | null;
  logger: Logger;
  /** Listens, starts the outbox and recovery; resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** From now on /ready answers 503 (a load balancer stops sending work); everything else goes on. */
  drain(): void;
  /** Stops taking work, drains HTTP and WebSocket connections, closes the database. */
  close(): Promise<void>;
}

/** How long start waits for Redis before going on without it (it may be down). */
const REDIS_CONNECT_WAIT_MS = 2000;
/** How often an instance failed over to another Galera node asks whether its own is back. */
const FIRST_NODE_CHECK_MS = 5000;

/**
 * Builds the whole server: database (migrated), services, GraphQL over HTTP (POST
 * /graphql) and graphql-ws on the same path and port, GET /health, GET /ready and
 * GET /metrics (docs/operations.md).
 */
export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const secrets = resolveSecrets(config, logger);

  const dataSource = await createDataSource({
    databaseUrl: config.databaseUrl,
    replicaUrls: config.databaseReplicaUrls,
    poolSize: config.databasePoolSize,
    dataDir: config.dataDir,
  });
  await dataSource.initialize();
  const applied = await runMigrationsLocked(dataSource);
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
  const metrics = new WalletMetrics();
  const db = new Db(dataSource, { logger, onConnectionWait: (seconds) => metrics.connectionWait(seconds) });
  if (await db.detectCluster()) logger.info("the database is a Galera cluster node");

  // Rate-limit counters, and live events across instances (see redis.ts).
  const redis = config.redisUrl ? connectRedis(config.redisUrl, config.redisNamespace, logger) : undefined;
  await redis?.ready(REDIS_CONNECT_WAIT_MS);
  const events = new EventBus(
    redis && {
      namespace: redis.namespace,
      publish: redis.publish,
      subscribe: redis.subscribe,
      publishFailed: (error) => {
        metrics.liveEventUnpublished();
        redis.failed("publish", error);
      },
    },
  );
  const institution = options.institution ?? new SimulatedInstitution(config.institutionLatencyMs);
  const rateLimits = new RateLimits(
    bucketLimits(config.rateLimits),
    redis?.general,
    (limit) => metrics.rateLimitRefused(limit),
  );
  const sms = options.sms ?? smsSenderFor(config);
  const services = createServices(
    {
      db,
      clock,
      config,
      logger,
      keys: secrets.keys,
      ticketSigner: secrets.tickets,
      receiptSigner: secrets.receipts,
      // Every call to the institution is timed and counted on its way (metrics/metered-institution.ts).
      institution: meteredInstitution(institution, metrics),
      rateLimits,
      events,
      metrics,
      sms,
      leaseStore: redis?.general ?? null,
      vapid: secrets.vapid,
    },
    secrets.adminToken,
  );
  const schema = await buildWalletSchema();
  const operations = operationNames(schema);

  // Requests are routed once Apollo has started (below); nothing listens before then.
  const httpServer = createServer();
  // A socket message has the same size limit as a request body; a larger one closes the socket (1009).
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: "/graphql",
    verifyClient: originAllowed(config),
    maxPayload: config.bodyLimitBytes,
  });
  const armor = armorProtection(config.limits);
  const format = formatError(logger);
  const openSockets = new OpenSockets(services.credentials, events, logger, clock, config.websocket.credentialRecheckMs, config.websocket.credentialFullRecheckMs);
  const socketRoles = new WeakMap<WebSocket, Caller["kind"]>();
  registerSocketGauge(metrics, wsServer, socketRoles);
  registerDatabaseGauges(metrics, db, clock);
  const wsCleanup = serveGraphqlWs({
    wsServer,
    schema,
    services,
    logger,
    config,
    validationRules: armor.validationRules ?? [],
    format,
    openSockets,
    rateLimits,
    socketRoles,
    timings: new SocketOperationMetrics(metrics, operations),
  });
  logProtocolErrorsQuietly(wsServer, logger);
  countSocketsWithoutCredential(wsServer, config, rateLimits, logger);

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    // main.ts owns the signals and closes everything in order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    formatError: format,
    // The token limit applies while parsing, so a document over it is a parse failure (400).
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      introspectionOnlyForAdmin(introspectionRule(config.production)),
      subscriptionsOnlyOverWebSocket(),
      requestLog(plainLinesOf(logger)),
      operationMetrics(metrics, operations),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No HTTP caching of answers here; without it Apollo also stops wrapping every
      // field resolver to collect cache hints (a few per cent of a redeem's CPU).
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads Sandbox from a CDN; development gets GraphiQL from
      // the installed packages instead (http/explorer.ts).
      ApolloServerPluginLandingPageDisabled(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  const explorer = developmentExplorer(config.production);
  const graphql = graphqlOverHttp(apollo, {
    bodyLimitBytes: config.bodyLimitBytes,
    explorer,
    context: async (req, requestId): Promise<RequestContext> => {
      const caller = await services.auth.authenticate(req.headers.authorization, addressOf(req, config.trustProxy));
      return requestContext(logger, { caller, services, requestId });
    },
  });
  const healthy = () => db.ping().then(() => true);
  const readiness = new Readiness(db, dataSource, redis && (() => redis.general.ping()));
  registerDegradedGauge(metrics, readiness);
  httpServer.on(
    "request",
    requestListener(
      {
        graphql,
        healthy,
        explorer,
        webApp: webApp(),
        ready: () => readiness.check(),
        metricsAccess: metricsAccess({ token: config.metricsToken, production: config.production }),
        metrics: () => metrics.exposition(),
        receiptKeys: () => services.receiptKeys.keySet(),
        passes: services.walletPasses,
      },
      logger,
    ),
  );
  if (config.production && !config.metricsToken) logger.warn("METRICS_TOKEN is not set: /metrics answers nobody (see docs/operations.md)");

  const recovery = new RepeatAlone(
    () => services.payments.recover(),
    Math.max(1000, config.recoveryAfterMs / 2),
    (err) => logger.error({ err: String(err) }, "recovery failed"),
  );
  recovery.start();
  // After a failover, back to this instance's own node once it has rejoined (a no-op elsewhere).
  const firstNodeTimer = setInterval(() => void db.backToFirstNode().catch(() => undefined), FIRST_NODE_CHECK_MS);
  firstNodeTimer.unref();

  return {
    services,
    dataSource,
    db,
    institution,
    sms,
    logger,
    async listen(port = config.port, host = config.host) {
      await services.keySweep.prepare();
      services.keySweep.start();
      if (config.production) services.walletPasses.prepare();
      await services.payments.recover();
      services.outbox.start();
      services.confirmations.start();
      services.pushReminders.start();
      services.retention.start();
      services.overdueSweep.start();
      services.authorizationSweep.start();
      await services.receiptKeys.record();
      services.sealer.start();
      // A port that cannot be taken (EADDRINUSE, EACCES) rejects, so the caller stops.
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}`;
    },
    drain() {
      readiness.drain();
    },
    async close() {
      readiness.drain();
      await recovery.stop();
      clearInterval(firstNodeTimer);
      openSockets.stop();
      services.credentials.stop();
      await services.confirmations.stop();
      await services.pushReminders.stop();
      await services.retention.stop();
      await services.overdueSweep.stop();
      await services.authorizationSweep.stop();
      await services.sealer.stop();
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await services.outbox.stop();
      services.walletPasses.close();
      await services.keySweep.stop();
      await events.close();
      redis?.close();
      await dataSource.destroy();
    },
  };
}
