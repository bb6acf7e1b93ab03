import type { BillService, BillView } from "../bills/bill.service";
import type { Caller } from "../kernel/caller";
import type { CodeService, PaymentCodeLookup } from "../codes/code.service";
import type { ServiceDeps } from "../kernel/deps";
import { requireRegister } from "../kernel/guards";
import type { MembershipService, MembershipView } from "../members/membership.service";
import { isOfflineToken, type OfflineTokenService } from "../payments/offline-token.service";
import { looksLikeTicketCode } from "../crypto/ticket-signer";
import { ErrorCode, fail } from "../kernel/errors";
import type { TicketService, TicketView } from "../tickets/ticket.service";
import { underWrongCodeLimit } from "../kernel/wrong-code-limit";

export interface CodeLookup extends PaymentCodeLookup {
  membership: MembershipView | null;
  bill: BillView | null;
  ticket: TicketView | null;
}

/**
 * What a terminal learns from a scanned code without using it up. Each kind is
 * described by the service that owns it; this one only dispatches.
 */
export class CodeLookupService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly memberships: MembershipService,
    private readonly bills: BillService,
    private readonly tickets: TicketService,
    private readonly offlineTokens: OfflineTokenService,
  ) {}

  /** A register reads payment, member and bill codes; a gate reads ticket codes. */
  async lookupCode(caller: Caller, code: string): Promise<CodeLookup> {
    if (caller.kind === "gate") return underWrongCodeLimit(this.deps, caller.apiKeyId, () => this.lookupTicketCode(caller, code));
    const register = requireRegister(caller);
    return underWrongCodeLimit(this.deps, register.apiKeyId, () => this.lookupDigitCode(register.storeId, code));
  }

  private async lookupTicketCode(gate: Caller, code: string): Promise<CodeLookup> {
    if (!looksLikeTicketCode(code)) fail(ErrorCode.CODE_WRONG_KIND, "A gate reads ticket codes only");
    const { expiresAt, ticket } = await this.tickets.describeTicket(gate, code);
    return { kind: "TICKET", expiresAt, maxAmount: null, card: null, membership: null, bill: null, ticket };
  }

  private lookupDigitCode(storeId: string, code: string): Promise<CodeLookup> {
    return this.deps.db.read(async (m) => {
      // A phone's offline token (P1) pays as a payment code does, so it is shown as one.
      if (isOfflineToken(code)) return { ...(await this.offlineTokens.describe(m, code)), membership: null, bill: null, ticket: null };
      const entity = await this.codes.findUsable(m, code);
      const base: CodeLookup = { kind: entity.kind, expiresAt: entity.expiresAt, maxAmount: null, card: null, membership: null, bill: null, ticket: null };
      switch (entity.kind) {
        case "PAYMENT":
          return { ...base, ...(await this.codes.describePayment(m, entity)) };
        case "MEMBER":
          return { ...base, membership: await this.memberships.describeMember(m, entity, storeId) };
        case "BILL":
          return { ...base, bill: await this.bills.describeBill(m, entity) };
        default:
          return base;
      }
    });
  }
}
