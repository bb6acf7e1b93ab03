import type { BenchPhone } from "../world";

/**
 * The callers `npm run bench:scale` acts as. They are made through the public API on a
 * fresh database (bench/scale/make-actors.ts); on the seeded side, the seeder
 * (bench/scale/seed.ts) then writes a year's history around them, so each path is
 * measured by the same callers on an empty and on a full database.
 */
export interface ScaleActors {
  url: string;
  adminToken: string;
  cardKey: string;
  /** mysql://.../<database> of the server the actors live on. */
  databaseUrl: string;
  /** The busiest store: the seed gives it the largest share of the year's payments. */
  store: { id: string; registerKeys: string[] };
  /** One partner that posts bills, sells tickets and runs a points program. */
  partner: { id: string; apiKey: string };
  /** The big event: the seed gives it 50,000 tickets and their admissions. */
  event: { id: string; gateKey: string };
  /** Customers with a card, a registered device key and a password (bench/world.ts). */
  phones: BenchPhone[];
}
