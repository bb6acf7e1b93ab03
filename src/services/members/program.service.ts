import { IsNull, MoreThan, type EntityManager } from "typeorm";
import { OfferEntity, PartnerEntity, ProgramEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, forbidden, notFound } from "../kernel/errors";
import { requireAdmin, requirePartner } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { optionalText, requireText } from "../kernel/validation";

/**
 * Points programs: the back office starts one for a partner, at a rate and a point
 * value; the partner runs it (offers, direct mail, the change feed) and no other may.
 */
export class ProgramService {
  constructor(private readonly deps: ServiceDeps) {}

  async createProgram(
    caller: Caller,
    input: { name: string; partnerId: string; pointsPerUnit: number; pointValue: number; expiryDays: number },
  ): Promise<ProgramEntity> {
    requireAdmin(caller);
    if (!Number.isFinite(input.pointsPerUnit) || input.pointsPerUnit < 0 || input.pointsPerUnit > 1000) {
      badInput("pointsPerUnit must be between 0 and 1000", { field: "pointsPerUnit" });
    }
    if (!Number.isSafeInteger(input.pointValue) || input.pointValue < 0) badInput("pointValue must be 0 or more", { field: "pointValue" });
    if (!Number.isSafeInteger(input.expiryDays) || input.expiryDays < 1 || input.expiryDays > 3650) {
      badInput("expiryDays must be 1 to 3650", { field: "expiryDays" });
    }
    const partner = await this.deps.db.read((m) => m.existsBy(PartnerEntity, { id: input.partnerId }));
    if (!partner) notFound("partner");
    const program = Object.assign(new ProgramEntity(), {
      id: newId(),
      partnerId: input.partnerId,
      name: requireText(input.name, "name", 100),
      pointsPerUnitMicros: Math.round(input.pointsPerUnit * 1e6),
      pointValue: input.pointValue,
      expiryDays: input.expiryDays,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((tx) => tx.insert(ProgramEntity, program));
    return program;
  }

  /** A partner's own program, or FORBIDDEN for another partner's (NOT_FOUND if none). */
  async ownProgram(caller: Caller, programId: string): Promise<ProgramEntity> {
    const { partnerId } = requirePartner(caller);
    const program = await this.deps.db.read((m) => m.findOneBy(ProgramEntity, { id: programId }));
    if (!program) return notFound("program");
    if (program.partnerId !== partnerId) forbidden("This program is run by another partner");
    return program;
  }

  async createOffer(
    caller: Caller,
    programId: string,
    input: { title: string; description: string; validUntil?: Date | null },
  ): Promise<OfferEntity> {
    await this.ownProgram(caller, programId);
    const offer = Object.assign(new OfferEntity(), {
      id: newId(),
      programId,
      title: requireText(input.title, "title", 100),
      description: optionalText(input.description, "description", 1000) ?? "",
      validUntil: input.validUntil ?? null,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((tx) => tx.insert(OfferEntity, offer));
    return offer;
  }

  /** The program's offers still running at `now`, oldest first. */
  liveOffers(m: EntityManager, programId: string, now: Date): Promise<OfferEntity[]> {
    return m.find(OfferEntity, {
      where: [
        { programId, validUntil: IsNull() },
        { programId, validUntil: MoreThan(now) },
      ],
      order: { createdAt: "ASC" },
    });
  }
}
