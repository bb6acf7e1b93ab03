import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { CheckInList, CheckInListInput, GateAuditEntry, GateSearchHit } from "../../schema/tickets/gate-desk.types";
import { Admission } from "../../schema/tickets/ticket.types";
import { toAdmission } from "./admission-mapper";

/** The gate's desk: check-in lists, the search for a visitor without a phone and admitting by ticket id, undoing an admission. */
@Resolver()
export class GateDeskResolver {
  @Authorized("PARTNER")
  @Mutation(() => CheckInList, { description: "partner: a check-in list of its event" })
  createCheckInList(@Arg("input") input: CheckInListInput, @Ctx() ctx: RequestContext): Promise<CheckInList> {
    return ctx.services.checkInLists.createCheckInList(ctx.caller, input);
  }

  @Authorized("GATE", "PARTNER")
  @Query(() => [CheckInList], { description: "gate, partner (own events): the event's check-in lists" })
  checkInLists(@Arg("eventId", () => ID) eventId: string, @Ctx() ctx: RequestContext): Promise<CheckInList[]> {
    return ctx.services.checkInLists.checkInLists(ctx.caller, eventId);
  }

  @Authorized("GATE")
  @Query(() => [GateSearchHit], { description: "gate (own events): tickets by attendee name (a part) or ticket number; rate-limited, audited" })
  gateSearch(@Arg("eventId", () => ID) eventId: string, @Arg("query") query: string, @Ctx() ctx: RequestContext): Promise<GateSearchHit[]> {
    return ctx.services.gateSearch.search(ctx.caller, eventId, query);
  }

  @Authorized("PARTNER")
  @Query(() => [GateAuditEntry], { description: "partner (own events): what its gates did by hand, newest first" })
  gateAudit(@Arg("eventId", () => ID) eventId: string, @Ctx() ctx: RequestContext): Promise<GateAuditEntry[]> {
    return ctx.services.gateSearch.gateAudit(ctx.caller, eventId);
  }

  @Authorized("GATE")
  @Mutation(() => Admission, { description: "gate: a visitor without a phone, by ticket id with the gate's key; audited" })
  async admitTicketById(
    @Arg("ticketId", () => ID) ticketId: string,
    @Arg("eventId", () => ID) eventId: string,
    @Arg("gate", () => String, { nullable: true }) gate: string | null,
    @Arg("listId", () => ID, { nullable: true }) listId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Admission> {
    return toAdmission(await ctx.services.admissions.admitTicketById(ctx.caller, ticketId, eventId, gate ?? null, listId ?? null));
  }

  @Authorized("GATE")
  @Mutation(() => Admission, { description: "gate: undoes an admission it made, within minutes (undoableUntil); audited" })
  async undoAdmission(@Arg("admissionId", () => ID) admissionId: string, @Ctx() ctx: RequestContext): Promise<Admission> {
    return toAdmission(await ctx.services.admissions.undoAdmission(ctx.caller, admissionId));
  }
}
