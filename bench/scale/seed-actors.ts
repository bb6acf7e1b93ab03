import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import type { ScaleActors } from "./actors";
import { at, idAt, text } from "./seed-sql";

/**
 * The few rows the seeder writes around, made straight in the database for a caller that
 * needs only their ids (the query-plan test): a partner with a points program, the
 * busiest store in that program, and the partner's event, open now. The rows are as
 * createPartner, createProgram, createStore and createEvent write them; there are no
 * keys or phones, so the actors cannot call the API (bench/scale/make-actors.ts makes
 * ones that can).
 */
export async function insertActors(databaseUrl: string): Promise<ScaleActors> {
  const now = Date.now();
  const partnerId = idAt(now - 5_000);
  const programId = idAt(now - 4_000);
  const storeId = idAt(now - 3_000);
  const eventId = idAt(now - 2_000);
  const c = await createConnection({ uri: databaseUrl, timezone: "Z" });
  try {
    await c.query(`INSERT INTO partners (id, name, createdAt) VALUES (${text(partnerId)}, 'Scale Partner', ${at(now - 5_000)})`);
    await c.query(
      `INSERT INTO programs (id, partnerId, name, pointsPerUnitMicros, pointValue, expiryDays, createdAt) VALUES (${text(programId)}, ${text(partnerId)}, 'Scale Points', 10000, 1, 365, ${at(now - 4_000)})`,
    );
    await c.query(`INSERT INTO stores (id, name, currency, programId, createdAt, timeZone) VALUES (${text(storeId)}, 'Scale Store', 'JPY', ${text(programId)}, ${at(now - 3_000)}, 'UTC')`);
    await c.query(
      `INSERT INTO events (id, partnerId, title, venue, startsAt, doorsOpenAt, releaseMinutesBeforeDoors, createdAt, allowReentry) ` +
        `VALUES (${text(eventId)}, ${text(partnerId)}, 'Scale Arena', 'Bench City', ${at(Math.floor(now / 1000) * 1000 + 3_600_000)}, ${at(Math.floor(now / 1000) * 1000 - 3_600_000)}, 60, ${at(now - 2_000)}, 0)`,
    );
  } finally {
    await c.end();
  }
  return {
    url: "",
    adminToken: "",
    cardKey: randomBytes(32).toString("hex"),
    databaseUrl,
    store: { id: storeId, registerKeys: [] },
    partner: { id: partnerId, apiKey: "" },
    event: { id: eventId, gateKey: "" },
    phones: [],
  };
}
