import type { Logger } from "../logger";
import type { Caller } from "../services/kernel/caller";
import type { Services } from "../services";
import { requestLoaders, type RequestLoaders } from "./loaders";

/** What every resolver gets: who calls, the services, and a logger bound to the request. */
export interface RequestContext {
  caller: Caller;
  services: Services;
  requestId: string;
  logger: Logger;
  /** Reads that a request's fields share, batched (loaders.ts). */
  readonly loaders: RequestLoaders;
}

/**
 * A request's context whose logger is made on first use: a child logger serializes its
 * bindings when created, and most requests log only their one request line, which
 * names the request id itself (see request-log.ts).
 */
export function requestContext(base: Logger, fields: Omit<RequestContext, "logger" | "loaders">): RequestContext {
  return new LazyLoggerContext(base, fields.caller, fields.services, fields.requestId);
}

// A class, not an object literal with a getter: V8 gives every context the same shape.
class LazyLoggerContext implements RequestContext {
  private child: Logger | undefined;
  private batches: RequestLoaders | undefined;

  constructor(
    private readonly base: Logger,
    readonly caller: Caller,
    readonly services: Services,
    readonly requestId: string,
  ) {}

  get logger(): Logger {
    this.child ??= this.base.child({ requestId: this.requestId });
    return this.child;
  }

  get loaders(): RequestLoaders {
    this.batches ??= requestLoaders(this.services);
    return this.batches;
  }
}
