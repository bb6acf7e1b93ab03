import { removeDatabaseTemplates } from "./database-templates";

/** Removes what the global setup made for the whole run. */
export default async function globalTeardown(): Promise<void> {
  removeDatabaseTemplates();
}
