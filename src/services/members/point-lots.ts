import { MoreThan, type EntityManager } from "typeorm";
import { PointLotEntity } from "../../entities";

// A membership's lots as they stand: what the balance is read from, and what a settlement
// takes from. Apart from the points service so that memberships can show a balance
// without depending on the rules that move points.

const SOON_MS = 30 * 86_400_000;

export interface PointsBalance {
  points: number;
  /** Of `points`, those that expire within 30 days. */
  pointsExpiringSoon: number;
  nextExpiry: Date | null;
}

/** A membership's points at `now`, read inside `m`: its unexpired lots, soonest to expire first. */
export async function readBalance(m: EntityManager, membershipId: string, now: Date): Promise<PointsBalance> {
  const lots = await liveLots(m, membershipId, now);
  const soon = now.getTime() + SOON_MS;
  return {
    points: lots.reduce((sum, lot) => sum + lot.remaining, 0),
    pointsExpiringSoon: lots.filter((lot) => lot.expiresAt.getTime() <= soon).reduce((sum, lot) => sum + lot.remaining, 0),
    nextExpiry: lots[0]?.expiresAt ?? null,
  };
}

/** The lots with points left that have not expired, soonest to expire first; `locking` reads them for update. */
export function liveLots(m: EntityManager, membershipId: string, now: Date, locking = false): Promise<PointLotEntity[]> {
  return m.find(PointLotEntity, {
    where: { membershipId, remaining: MoreThan(0), expiresAt: MoreThan(now) },
    order: { expiresAt: "ASC", id: "ASC" },
    ...(locking ? { lock: { mode: "pessimistic_write" as const } } : {}),
  });
}
