import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { MemberNotice } from "../../entities";

@ObjectType()
export class Program {
  @Field(() => ID) id: string;
  @Field() name: string;
}

@ObjectType({ description: "courtesy and discount information" })
export class Offer {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() description: string;
  @Field(() => Date, { nullable: true }) validUntil: Date | null;
}

@ObjectType()
export class Membership {
  @Field() memberNumber: string;
  @Field() programName: string;
  @Field(() => ID, { description: "the program, for issueMemberCode" }) programId: string;
  @Field(() => Int) points: number;
  @Field(() => Int, { description: "points that expire within 30 days" }) pointsExpiringSoon: number;
  @Field(() => Date, { nullable: true }) nextExpiry: Date | null;
  @Field(() => [Offer]) offers: Offer[];
  @Field({ description: "the member lets the program's registers find them by phone number or customer number (setMemberLookup)" }) lookupAllowed: boolean;
}

@ObjectType()
export class PointsResult {
  @Field(() => Membership) membership: Membership;
  @Field(() => Int) pointsEarned: number;
  @Field(() => Int) pointsRedeemed: number;
  @Field(() => Int, { description: "money off from redeemed points, in the sale currency" }) discount: number;
  @Field(() => Int, { description: "redeemed points given back by refunds of the payment they came with" }) pointsReturned: number;
  @Field(() => Int, { description: "earned points taken back by refunds of the payment" }) pointsTakenBack: number;
  @Field(() => Int, { description: "earned points refunds could not take back: the member had already spent them" }) shortfall: number;
}

export const MessageNoticeKind = { POINTS_EARNED: "POINTS_EARNED", POINTS_ADJUSTED: "POINTS_ADJUSTED" } as const;
registerEnumType(MessageNoticeKind, {
  name: "MessageNoticeKind",
  description: "POINTS_EARNED: with a purchase at storeName; POINTS_ADJUSTED: by the program's partner, for reason",
});

@ObjectType({ description: "what a notice about the member's own points tells, as facts, for the phone to word in its own language" })
export class MessageNotice {
  @Field(() => MessageNoticeKind) kind: MemberNotice["kind"];
  @Field() programName: string;
  @Field(() => Int, { description: "added (positive) or taken (negative)" }) points: number;
  @Field(() => Int, { description: "the member's balance after it" }) balance: number;
  @Field(() => String, { nullable: true, description: "POINTS_EARNED: where" }) storeName?: string | null;
  @Field(() => String, { nullable: true, description: "POINTS_ADJUSTED: why" }) reason?: string | null;
}

@ObjectType()
export class Message {
  @Field(() => ID) id: string;
  @Field({ description: "in English for a notice (see notice)" }) title: string;
  @Field({ description: "in English for a notice (see notice)" }) body: string;
  @Field() sentAt: Date;
  @Field() read: boolean;
  @Field(() => MessageNotice, { nullable: true, description: "a notice about the member's own points; null for the program's own mail" }) notice: MemberNotice | null;
}

@ObjectType({ description: "One earning (positive points) or redemption (negative) in a program's change feed" })
export class PointMovement {
  @Field(() => ID, { description: "also the cursor position" }) id: string;
  @Field() memberNumber: string;
  @Field() kind: string;
  @Field(() => Int) points: number;
  @Field(() => ID) storeId: string;
  @Field(() => Date, { nullable: true, description: "EARN: when these points expire" }) expiresAt: Date | null;
  @Field() at: Date;
  @Field(() => String, { nullable: true, description: "ADJUST: why the partner adjusted the points" }) reason?: string | null;
}

@ObjectType({ description: "A manual adjustment of a member's points by the program's partner" })
export class PointAdjustment {
  @Field(() => ID, { description: "the ADJUST movement's id in pointMovements" }) id: string;
  @Field() memberNumber: string;
  @Field(() => Int, { description: "added (positive) or taken (negative)" }) points: number;
  @Field() reason: string;
  @Field(() => Int, { description: "the member's balance now" }) balance: number;
  @Field(() => Date, { nullable: true, description: "points added: when they expire" }) expiresAt: Date | null;
  @Field() at: Date;
}

@ObjectType()
export class PointMovementPage {
  @Field(() => [PointMovement]) nodes: PointMovement[];
  @Field(() => String, { nullable: true, description: "pass as `after` to continue; stays put when there is nothing new" })
  nextCursor: string | null;
}

@InputType({
  description:
    "Who a program's message goes to: every member when empty; one member by member number; or the members who joined, " +
    "or who used their membership in a purchase, within a period ([after, before), either end open)",
})
export class MessageAudienceInput {
  @Field(() => String, { nullable: true }) memberNumber?: string | null;
  @Field(() => Date, { nullable: true }) joinedAfter?: Date | null;
  @Field(() => Date, { nullable: true }) joinedBefore?: Date | null;
  @Field(() => Date, { nullable: true }) spentAfter?: Date | null;
  @Field(() => Date, { nullable: true }) spentBefore?: Date | null;
}
