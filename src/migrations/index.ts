import { Initial1764000000000 } from "./1764000000000-initial";
import { ConfirmationRequests1764100000000 } from "./1764100000000-confirmation-requests";

/** Every migration, oldest first; the server runs the pending ones at start. */
export const migrations = [Initial1764000000000, ConfirmationRequests1764100000000];
