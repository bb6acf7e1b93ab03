import type { AuthChecker } from "type-graphql";
import { ErrorCode, WalletError } from "../services/kernel/errors";
import type { Role } from "../services/kernel/caller";
import type { RequestContext } from "./context";

/**
 * `@Authorized("PHONE", "REGISTER")`: no or a bad credential is UNAUTHENTICATED, a valid
 * one of another role is FORBIDDEN. Ownership is checked by the services.
 */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  const { caller } = context;
  if (caller.kind === "anonymous" || caller.kind === "invalid") {
    throw new WalletError(ErrorCode.UNAUTHENTICATED, "A valid credential is required");
  }
  if (roles.length > 0 && !roles.includes(caller.role)) {
    throw new WalletError(ErrorCode.FORBIDDEN, "Not allowed for this caller");
  }
  return true;
};
