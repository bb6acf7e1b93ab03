import type { Caller } from "./caller";
import { ErrorCode, fail } from "./errors";

/**
 * Role checks inside services, so a rule holds whichever transport calls it. The GraphQL
 * layer checks roles too (src/schema/auth-checker.ts); these are the authority.
 */
type Of<K extends Caller["kind"]> = Extract<Caller, { kind: K }>;

function requireKind<K extends Caller["kind"]>(caller: Caller, ...kinds: K[]): Of<K> {
  if (caller.kind === "anonymous" || caller.kind === "invalid") {
    fail(ErrorCode.UNAUTHENTICATED, "A valid credential is required");
  }
  if (!(kinds as string[]).includes(caller.kind)) fail(ErrorCode.FORBIDDEN, "Not allowed for this caller");
  return caller as Of<K>;
}

export const requireCustomer = (caller: Caller) => requireKind(caller, "customer");
export const requireRegister = (caller: Caller) => requireKind(caller, "register");
export const requirePartner = (caller: Caller) => requireKind(caller, "partner");
export const requireGate = (caller: Caller) => requireKind(caller, "gate");
export const requireAdmin = (caller: Caller) => requireKind(caller, "admin");
export const requireCustomerOrRegister = (caller: Caller) => requireKind(caller, "customer", "register");
