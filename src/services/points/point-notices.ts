import type { Tx } from "../../database";
import type { MembershipEntity, ProgramEntity } from "../../entities";
import type { ServiceDeps } from "../kernel/deps";
import { adjustedNotice, earnedNotice, sendNotice } from "../members/member-notices";
import { readBalance } from "../members/point-lots";

/**
 * Tells the member what just happened to their points, in the transaction that moved
 * them (members/member-notices.ts): the balance is read there, after the move.
 */
export async function tellEarned(deps: Pick<ServiceDeps, "events">, tx: Tx, program: ProgramEntity, membership: MembershipEntity, storeName: string, points: number, now: Date): Promise<void> {
  const { points: balance } = await readBalance(tx, membership.id, now);
  sendNotice(deps, tx, program.id, membership.customerId, earnedNotice(program.name, points, storeName, balance), now);
}

export async function tellAdjusted(deps: Pick<ServiceDeps, "events">, tx: Tx, program: ProgramEntity, membership: MembershipEntity, points: number, reason: string, now: Date): Promise<number> {
  const { points: balance } = await readBalance(tx, membership.id, now);
  sendNotice(deps, tx, program.id, membership.customerId, adjustedNotice(program.name, points, reason, balance), now);
  return balance;
}
