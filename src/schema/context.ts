import type { Logger } from "../logger";
import type { Caller } from "../services/caller";
import type { Services } from "../services";

/** What every resolver gets: who calls, the services, and a logger bound to the request. */
export interface RequestContext {
  caller: Caller;
  services: Services;
  requestId: string;
  logger: Logger;
}
