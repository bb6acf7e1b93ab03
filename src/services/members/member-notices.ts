import { row, type Tx } from "../../database";
import { InboxEntryEntity, MessageEntity, type MemberNotice } from "../../entities";
import type { ServiceDeps } from "../kernel/deps";
import { newId } from "../kernel/ids";

/** A notice: its facts (`about`), which each phone words in its own language, and the same in English, for a client that does not. */
export interface Notice {
  title: string;
  body: string;
  about: MemberNotice;
}

/**
 * A notice to one member about their own points (earned, adjusted): a message in their
 * inbox, written with the transaction that moved the points (its rows travel with the
 * COMMIT), and live on `messages` once it has committed. Unlike the partner's direct mail
 * it is not counted against the program's daily cap (the entry is marked `notice`), and a
 * member cannot be kept from hearing what happened to their points.
 */
export function sendNotice(deps: Pick<ServiceDeps, "events">, tx: Tx, programId: string, customerId: string, notice: Notice, at: Date): void {
  const message = Object.assign(new MessageEntity(), { id: newId(), programId, title: notice.title.slice(0, 100), body: notice.body, sentAt: at, notice: notice.about });
  tx.atCommit(row(MessageEntity, message));
  tx.atCommit(row(InboxEntryEntity, Object.assign(new InboxEntryEntity(), { id: newId(), messageId: message.id, programId, customerId, readAt: null, createdAt: at, notice: 1 })));
  tx.afterCommit(() =>
    deps.events.messageSent([customerId], { id: message.id, title: message.title, body: message.body, sentAt: at.toISOString(), read: false, notice: notice.about }),
  );
}

const signed = (points: number) => (points > 0 ? `+${points}` : String(points));

/** What a member reads when points are earned with a purchase. */
export const earnedNotice = (programName: string, points: number, storeName: string, balance: number): Notice => ({
  title: `${programName}: ${signed(points)} points`,
  body: `You earned ${points} points at ${storeName}. Your balance is ${balance} points.`,
  about: { kind: "POINTS_EARNED", programName, points, balance, storeName },
});

/** What a member reads when the program's partner adjusts their points. */
export const adjustedNotice = (programName: string, points: number, reason: string, balance: number): Notice => ({
  title: `${programName}: points adjusted ${signed(points)}`,
  body: `${programName} adjusted your points by ${signed(points)}: ${reason}. Your balance is ${balance} points.`,
  about: { kind: "POINTS_ADJUSTED", programName, points, balance, reason },
});
