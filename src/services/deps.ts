import type { Clock } from "../clock";
import type { Config } from "../config";
import type { Db } from "../database";
import type { Logger } from "../logger";
import type { CardCipher } from "./crypto/card-cipher";
import type { EventBus } from "./events";
import type { TicketSigner } from "./crypto/ticket-signer";
import type { CardInstitution } from "./institutions/institution";
import type { RateLimits } from "./rate-limits";

/** What every service is built with; assembled once in src/app.ts. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  cipher: CardCipher;
  tickets: TicketSigner;
  institution: CardInstitution;
  rateLimits: RateLimits;
  /** Live events, published only after the change has committed. */
  events: EventBus;
}
