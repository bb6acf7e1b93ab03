import type { AuthorizationRequest, AuthorizationResult } from "../../src/services/institutions/institution";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { TEST_CARDS } from "./test-data";

/** A card the CrashingInstitution never answers. */
export const CRASHING_CARD = TEST_CARDS.jcb;

/**
 * The simulator, except that CRASHING_CARD is never answered, and the caller never stops
 * waiting: as if the instance that asked died. Recovery is what settles such a payment.
 */
export class CrashingInstitution extends SimulatedInstitution {
  constructor(latencyMs = 5) {
    super(latencyMs);
  }

  override authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult> {
    if (request.pan === CRASHING_CARD) return new Promise(() => undefined);
    return super.authorize(request, signal);
  }
}
