import { randomInt } from "node:crypto";
import type { EntityManager } from "typeorm";
import { MembershipEntity, OfferEntity, ProgramEntity, StoreEntity, WalletCodeEntity } from "../../entities";
import { isUniqueViolation } from "../../database";
import type { Approval } from "../kernel/approval";
import type { Caller } from "../kernel/caller";
import type { DeviceService } from "../devices/device.service";
import type { CodeService, IssuedCode } from "../codes/code.service";
import { luhnCheckDigit } from "../crypto/luhn";
import type { ServiceDeps } from "../kernel/deps";
import { forbidden, notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { readBalance } from "./point-lots";
import type { ProgramService } from "./program.service";

const MEMBER_CODE_TTL_SECONDS = 300;

export interface MembershipView {
  membershipId: string;
  programId: string;
  memberNumber: string;
  programName: string;
  points: number;
  pointsExpiringSoon: number;
  nextExpiry: Date | null;
  offers: OfferEntity[];
  /** Whether the program's registers may find the member by phone number or customer number. */
  lookupAllowed: boolean;
}

/**
 * A customer's membership of a program: joined online, shown at a register by a member
 * code, seen with its points (the ledger's, points.service.ts) and the program's offers.
 */
export class MembershipService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly programs: ProgramService,
    private readonly devices: DeviceService,
  ) {}

  /** Online membership registration; joining again returns the same membership. */
  async joinProgram(caller: Caller, programId: string): Promise<MembershipView> {
    const { customerId } = requireCustomer(caller);
    const program = await this.deps.db.read((m) => m.findOneBy(ProgramEntity, { id: programId }));
    if (!program) return notFound("program");
    for (let attempt = 0; ; attempt++) {
      const existing = await this.deps.db.read((m) => m.findOneBy(MembershipEntity, { programId, customerId }));
      if (existing) return this.deps.db.read((m) => this.view(m, existing, program));
      const membership = Object.assign(new MembershipEntity(), {
        id: newId(),
        programId,
        customerId,
        memberNumber: newMemberNumber(),
        createdAt: this.deps.clock.now(),
        lookupAllowed: 0,
      });
      try {
        await this.deps.db.tx((tx) => tx.insert(MembershipEntity, membership));
        return this.deps.db.read((m) => this.view(m, membership, program));
      } catch (error) {
        // A second join racing this one, or (rarely) a member number taken: look again.
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }

  async memberships(caller: Caller): Promise<MembershipView[]> {
    const { customerId } = requireCustomer(caller);
    // Points earned or spent a moment ago may have been settled through another database node.
    return this.deps.db.read(
      async (m) => {
        const rows = await m.find(MembershipEntity, { where: { customerId }, order: { createdAt: "ASC" } });
        return Promise.all(rows.map(async (row) => this.view(m, row, await m.findOneByOrFail(ProgramEntity, { id: row.programId }))));
      },
      { fresh: true },
    );
  }

  /**
   * The member's consent to be found at the program's registers without a member code,
   * by phone number or by the customer number on a receipt (lookupMember). Off until the
   * member turns it on; turning it off takes effect at the next lookup.
   */
  async setMemberLookup(caller: Caller, programId: string, allowed: boolean): Promise<MembershipView> {
    const { customerId } = requireCustomer(caller);
    const membership = await this.deps.db.read((m) => m.findOneBy(MembershipEntity, { programId, customerId }));
    if (!membership) return notFound("membership");
    const lookupAllowed = allowed ? 1 : 0;
    await this.deps.db.tx((tx) => tx.update(MembershipEntity, { id: membership.id }, { lookupAllowed }));
    return this.deps.db.read(async (m) => this.view(m, { ...membership, lookupAllowed }, await m.findOneByOrFail(ProgramEntity, { id: programId })));
  }

  async issueMemberCode(caller: Caller, programId: string, approval: Approval): Promise<IssuedCode> {
    const session = requireCustomer(caller);
    const { customerId } = session;
    await this.deps.rateLimits.consume("codeIssuePerPhone", customerId);
    const membership = await this.deps.db.read((m) => m.findOneBy(MembershipEntity, { programId, customerId }));
    if (!membership) return notFound("membership");
    await this.devices.approve(session, approval, "issueMemberCode", { programId });
    return this.codes.issue("MEMBER", customerId, { membershipId: membership.id }, MEMBER_CODE_TTL_SECONDS);
  }

  /** What a register of the program's stores sees for a member code: balance and offers. */
  async describeMember(m: EntityManager, code: WalletCodeEntity, storeId: string): Promise<MembershipView> {
    const membership = await m.findOneByOrFail(MembershipEntity, { id: code.membershipId! });
    const store = await m.findOneByOrFail(StoreEntity, { id: storeId });
    if (store.programId !== membership.programId) forbidden("This store is not part of the member's program");
    return this.view(m, membership, await m.findOneByOrFail(ProgramEntity, { id: membership.programId }));
  }

  /** The membership as the phone and the register see it, read inside `m`. */
  async view(m: EntityManager, membership: MembershipEntity, program: ProgramEntity): Promise<MembershipView> {
    const now = this.deps.clock.now();
    const balance = await readBalance(m, membership.id, now);
    return {
      membershipId: membership.id,
      programId: program.id,
      memberNumber: membership.memberNumber,
      programName: program.name,
      ...balance,
      offers: await this.programs.liveOffers(m, program.id, now),
      lookupAllowed: membership.lookupAllowed === 1,
    };
  }
}

/** Eleven random digits and a Luhn check digit. */
function newMemberNumber(): string {
  let body = "";
  for (let i = 0; i < 11; i++) body += String(randomInt(10));
  return body + luhnCheckDigit(body);
}
