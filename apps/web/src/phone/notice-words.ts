import type { Message } from "@clients/phone";
import { number } from "../shared/format";
import { pw } from "./phone-words";

const signed = (points: number) => (points > 0 ? `+${number(points)}` : number(points));

/**
 * A message's title and body in the phone's language: a notice about the member's own
 * points is worded here from its facts; a program's own mail is shown as it was written.
 */
export function messageWords(message: Pick<Message, "title" | "body" | "notice">): { title: string; body: string } {
  const notice = message.notice;
  if (!notice) return { title: message.title, body: message.body };
  const balance = number(notice.balance);
  if (notice.kind === "POINTS_EARNED") {
    return {
      title: pw.notice.earnedTitle(notice.programName, number(notice.points)),
      body: pw.notice.earnedBody(number(notice.points), notice.storeName ?? "", balance),
    };
  }
  return {
    title: pw.notice.adjustedTitle(notice.programName, signed(notice.points)),
    body: pw.notice.adjustedBody(notice.programName, signed(notice.points), notice.reason ?? "", balance),
  };
}
