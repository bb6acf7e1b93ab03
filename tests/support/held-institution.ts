import type { AuthorizationRequest, AuthorizationResult } from "../../src/services/institutions/institution";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";

/**
 * The simulator, whose next authorization waits on command: `holdNext()` answers when
 * that call has arrived, and the call answers once the test releases it. So a test acts
 * while the institution is being asked, however slow the machine, with no fixed wait.
 */
export class HeldInstitution extends SimulatedInstitution {
  private held: { arrived: () => void; released: Promise<void> } | null = null;

  holdNext(): { arrived: Promise<void>; release: () => void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    this.held = { arrived, released };
    return { arrived: arrival, release };
  }

  override async authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult> {
    const held = this.held;
    if (held) {
      this.held = null;
      held.arrived();
      await held.released;
    }
    return super.authorize(request, signal);
  }
}
