import { MembershipEntity, ProgramEntity, StoreEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail } from "../kernel/errors";
import { requireRegister } from "../kernel/guards";
import { requirePhone } from "../kernel/validation";
import type { MembershipService, MembershipView } from "../members/membership.service";

/** One answer for every miss, so the register learns nothing of who is enrolled. */
const NOT_FOUND_MESSAGE = "No member of this store's program found";

/** A member of the program who lets its registers find them, by the store's customer number on one of their payments here. */
const BY_CUSTOMER_NUMBER =
  "SELECT ms.id AS id FROM payments p JOIN memberships ms ON ms.customerId = p.customerId AND ms.programId = ? AND ms.lookupAllowed = 1 " +
  "WHERE p.storeId = ? AND p.customerNumber = ? LIMIT 1";
/** The same, by the customer's phone number. */
const BY_PHONE =
  "SELECT ms.id AS id FROM customers c JOIN memberships ms ON ms.customerId = c.id AND ms.programId = ? AND ms.lookupAllowed = 1 WHERE c.phone = ? LIMIT 1";

/**
 * A member found at the register without a member code (docs/points.md, "Finding a
 * member at the register"): by the store-scoped customer number on a receipt, or by the
 * member's phone number. Only members of the store's program who said registers may find
 * them are found; everyone else (no such phone, not a member, not consented, another
 * program's member) gets the same NOT_FOUND after the same one query. Every lookup, found
 * or not, counts against the register key's RATE_MEMBER_LOOKUPS_PER_REGISTER_PER_MIN. The
 * answer shows the points, their expiry and the offers; earning on it is `earnPoints`,
 * and redeeming still takes the member's code.
 */
export class MemberLookupService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly memberships: MembershipService,
  ) {}

  async lookupMember(caller: Caller, by: { customerNumber?: string | null; phone?: string | null }): Promise<MembershipView> {
    const register = requireRegister(caller);
    const hasNumber = by.customerNumber != null;
    if (hasNumber === (by.phone != null)) badInput("Give either a customerNumber or a phone", { field: "customerNumber" });
    await this.deps.rateLimits.consume("memberLookupPerRegister", register.apiKeyId);
    const number = hasNumber ? by.customerNumber!.trim() : null;
    if (number !== null && !/^\d{10}$/.test(number)) badInput("customerNumber is ten digits", { field: "customerNumber" });
    const phone = hasNumber ? null : requirePhone(by.phone!);
    return this.deps.db.read(async (m) => {
      const store = await m.findOneByOrFail(StoreEntity, { id: register.storeId });
      const miss = () => fail(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE);
      if (!store.programId) return miss();
      const rows: Array<{ id: string }> =
        number !== null ? await m.query(BY_CUSTOMER_NUMBER, [store.programId, store.id, number]) : await m.query(BY_PHONE, [store.programId, phone]);
      if (rows.length === 0) return miss();
      const membership = await m.findOneByOrFail(MembershipEntity, { id: rows[0].id });
      return this.memberships.view(m, membership, await m.findOneByOrFail(ProgramEntity, { id: store.programId }));
    });
  }
}
