import "reflect-metadata";
import { loadConfig } from "./src/config";
import { createDataSource } from "./src/database";

/**
 * The DataSource for the TypeORM CLI (e.g. `npx typeorm migration:show -d dist/ormconfig.js`),
 * built from the same environment as the server.
 */
const config = loadConfig();
export default createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
