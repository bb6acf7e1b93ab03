import type { EntityManager } from "typeorm";
import { InboxEntryEntity, MembershipEntity, PointMovementEntity } from "../../entities";
import { badInput, notFound } from "../kernel/errors";
import { requireText } from "../kernel/validation";

/**
 * Who a program's message goes to: every member (nothing given), one member by member
 * number, or the members who joined, or who used their membership in a purchase (earned
 * or redeemed points), within a period. Periods are [after, before), either end open.
 */
export interface Audience {
  memberNumber?: string | null;
  joinedAfter?: Date | null;
  joinedBefore?: Date | null;
  spentAfter?: Date | null;
  spentBefore?: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Checks an audience before anything is written; BAD_USER_INPUT naming what is wrong. */
export function checkAudience(audience: Audience): Audience {
  const { memberNumber, joinedAfter, joinedBefore, spentAfter, spentBefore } = audience;
  const periods = [joinedAfter, joinedBefore, spentAfter, spentBefore].some((d) => d != null);
  if (memberNumber != null) {
    if (periods) badInput("Send to one member or to a period's members, not both", { field: "memberNumber" });
    return { memberNumber: requireText(memberNumber, "memberNumber", 16) };
  }
  for (const [after, before, field] of [
    [joinedAfter, joinedBefore, "joinedBefore"],
    [spentAfter, spentBefore, "spentBefore"],
  ] as const) {
    if (after && before && after.getTime() >= before.getTime()) badInput(`${field} must be later than its "after"`, { field });
  }
  return audience;
}

/**
 * The customers the message reaches: the audience's members, less those this program
 * already sent `cap` messages in the 24 hours before `now`. Meant to run in the
 * transaction that writes the inbox entries, after the program's row is locked, so two
 * messages sent at once cannot both pass the cap.
 */
export async function audienceCustomers(
  m: EntityManager,
  programId: string,
  audience: Audience,
  cap: number,
  now: Date,
): Promise<string[]> {
  const query = m
    .createQueryBuilder(MembershipEntity, "member")
    .select("member.customerId", "customerId")
    .where("member.programId = :programId", { programId });
  if (audience.memberNumber != null) query.andWhere("member.memberNumber = :memberNumber", { memberNumber: audience.memberNumber });
  if (audience.joinedAfter) query.andWhere("member.createdAt >= :joinedAfter", { joinedAfter: audience.joinedAfter });
  if (audience.joinedBefore) query.andWhere("member.createdAt < :joinedBefore", { joinedBefore: audience.joinedBefore });
  if (audience.spentAfter || audience.spentBefore) {
    const spent = m
      .createQueryBuilder(PointMovementEntity, "movement")
      .select("movement.membershipId")
      .where("movement.programId = :programId AND movement.kind <> 'ADJUST'");
    if (audience.spentAfter) spent.andWhere("movement.createdAt >= :spentAfter", { spentAfter: audience.spentAfter });
    if (audience.spentBefore) spent.andWhere("movement.createdAt < :spentBefore", { spentBefore: audience.spentBefore });
    query.andWhere(`member.id IN (${spent.getQuery()})`).setParameters(spent.getParameters());
  }
  const capped = m
    .createQueryBuilder(InboxEntryEntity, "entry")
    .select("entry.customerId")
    .where("entry.programId = :programId AND entry.createdAt > :since AND entry.notice = 0")
    .groupBy("entry.customerId")
    .having("COUNT(*) >= :cap");
  query.andWhere(`member.customerId NOT IN (${capped.getQuery()})`).setParameters({ since: new Date(now.getTime() - DAY_MS), cap });
  const rows: Array<{ customerId: string }> = await query.getRawMany();
  if (audience.memberNumber != null && rows.length === 0) {
    // One member asked for: say whether there is no such member or they had enough today.
    const member = await m.findOneBy(MembershipEntity, { programId, memberNumber: audience.memberNumber });
    if (!member) notFound("member");
  }
  return rows.map((row) => row.customerId);
}
