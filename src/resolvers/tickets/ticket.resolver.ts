import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { IssuedCode } from "../../schema/codes/code.types";
import type { RequestContext } from "../../schema/context";
import { DeviceProofInput } from "../../schema/devices/device.types";
import { approvalOf } from "../../services/kernel/approval";
import {
  Admission,
  Attendance,
  Event,
  EventInput,
  GateSnapshot,
  OfflineScanInput,
  PostTicketInput,
  RotatingTicket,
  Ticket,
  TicketTransfer,
  TicketUse,
} from "../../schema/tickets/ticket.types";
import type { AdmissionEvent } from "../../services/kernel/events";
import type { AdmissionDecision } from "../../services/tickets/admission.service";
import { SNAPSHOT_PAGE } from "../../services/tickets/gate-snapshot.service";
import { toEvent, toTicket } from "../mappers";
import { toAdmission } from "./admission-mapper";


@Resolver()
export class TicketResolver {
  @Authorized("PARTNER")
  @Mutation(() => Event, { description: "partner" })
  async createEvent(@Arg("input") input: EventInput, @Ctx() ctx: RequestContext): Promise<Event> {
    return toEvent(await ctx.services.ticketEvents.createEvent(ctx.caller, input));
  }

  @Authorized("PARTNER")
  @Mutation(() => Ticket, { description: "partner: idempotent on (partner, issueNumber)" })
  async postTicket(@Arg("input") input: PostTicketInput, @Ctx() ctx: RequestContext): Promise<Ticket> {
    return toTicket(await ctx.services.tickets.postTicket(ctx.caller, input));
  }

  @Authorized("PARTNER")
  @Mutation(() => Ticket, { description: "partner" })
  async revokeTicket(@Arg("issueNumber") issueNumber: string, @Ctx() ctx: RequestContext): Promise<Ticket> {
    return toTicket(await ctx.services.tickets.revokeTicket(ctx.caller, issueNumber));
  }

  @Authorized("PHONE")
  @Query(() => [Ticket], { description: "phone: tickets held now" })
  async tickets(@Ctx() ctx: RequestContext): Promise<Ticket[]> {
    return (await ctx.services.tickets.tickets(ctx.caller)).map(toTicket);
  }

  @Authorized("PARTNER")
  @Query(() => Ticket, { description: "partner: its own ticket by issue number, with its uses and allotments" })
  async ticket(@Arg("issueNumber") issueNumber: string, @Ctx() ctx: RequestContext): Promise<Ticket> {
    return toTicket(await ctx.services.tickets.shopTicket(ctx.caller, issueNumber));
  }

  @Authorized("PHONE")
  @Mutation(() => IssuedCode, { description: "phone" })
  async issueTicketCode(
    @Arg("ticketId", () => ID) ticketId: string,
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("proof", () => DeviceProofInput, { nullable: true }) proof: DeviceProofInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<IssuedCode> {
    return ctx.services.tickets.issueTicketCode(ctx.caller, ticketId, approvalOf(password, proof));
  }

  @Authorized("PHONE")
  @Mutation(() => RotatingTicket, { description: "phone: a rotating ticket for the device whose proof asks for it" })
  async issueRotatingTicket(
    @Arg("ticketId", () => ID) ticketId: string,
    @Arg("proof", () => DeviceProofInput) proof: DeviceProofInput,
    @Ctx() ctx: RequestContext,
  ): Promise<RotatingTicket> {
    return ctx.services.tickets.issueRotatingTicket(ctx.caller, ticketId, { proof });
  }

  @Authorized("PHONE")
  @Mutation(() => Ticket, { description: "phone" })
  async allotTicket(@Arg("ticketId", () => ID) ticketId: string, @Arg("toPhone") toPhone: string, @Ctx() ctx: RequestContext): Promise<Ticket> {
    return toTicket(await ctx.services.tickets.allotTicket(ctx.caller, ticketId, toPhone));
  }

  @Authorized("GATE")
  @Mutation(() => Admission, { description: "gate" })
  async admitTicket(
    @Arg("code") code: string,
    @Arg("eventId", () => ID) eventId: string,
    @Arg("gate", () => String, { nullable: true }) gate: string | null,
    @Arg("listId", () => ID, { nullable: true, description: "the check-in list the gate scans for" }) listId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Admission> {
    return toAdmission(await ctx.services.admissions.admitTicket(ctx.caller, code, eventId, gate ?? null, listId ?? null));
  }

  @Authorized("GATE")
  @Mutation(() => Admission, { description: "gate: a visitor leaves (re-entry allowed)" })
  async exitTicket(
    @Arg("code") code: string,
    @Arg("eventId", () => ID) eventId: string,
    @Arg("gate", () => String, { nullable: true }) gate: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Admission> {
    return toAdmission(await ctx.services.admissions.exitTicket(ctx.caller, code, eventId, gate ?? null));
  }

  @Authorized("GATE")
  @Mutation(() => [Admission], { description: "gate: scans made while offline, in any order, each once" })
  async syncScans(
    @Arg("eventId", () => ID) eventId: string,
    @Arg("scans", () => [OfflineScanInput]) scans: OfflineScanInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<Admission[]> {
    return (await ctx.services.admissions.syncScans(ctx.caller, eventId, scans)).map(toAdmission);
  }

  @Authorized("GATE")
  @Query(() => GateSnapshot, {
    description:
      "gate: what it needs to admit offline, a page of tickets in id order; with since, only tickets changed since then. " +
      "Pass nextCursor as after until it is null: one page alone is part of the event",
  })
  gateSnapshot(
    @Arg("eventId", () => ID) eventId: string,
    @Arg("since", () => Date, { nullable: true }) since: Date | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: SNAPSHOT_PAGE.default, description: `tickets a page, revoked ones included: 1 to ${SNAPSHOT_PAGE.max}` }) first: number,
    @Arg("after", () => String, { nullable: true, description: "the previous page's nextCursor" }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<GateSnapshot> {
    return ctx.services.gateSnapshots.gateSnapshot(ctx.caller, eventId, since ?? null, first ?? SNAPSHOT_PAGE.default, after ?? null) as Promise<GateSnapshot>;
  }

  @Authorized("PHONE")
  @Mutation(() => Ticket, { description: "phone: the giver takes back the ticket it allotted, until it is used" })
  async takeBackTicket(@Arg("ticketId", () => ID) ticketId: string, @Ctx() ctx: RequestContext): Promise<Ticket> {
    return toTicket(await ctx.services.tickets.takeBackTicket(ctx.caller, ticketId));
  }

  @Authorized("GATE", "PARTNER")
  @Query(() => [Event], { description: "gate, partner: its partner's events not over yet (started less than 12 hours ago, or to come), soonest first" })
  async openEvents(@Ctx() ctx: RequestContext): Promise<Event[]> {
    return (await ctx.services.ticketEvents.openEvents(ctx.caller)).map(toEvent);
  }

  @Authorized("GATE", "PARTNER")
  @Query(() => Attendance, { description: "gate, partner (own events)" })
  attendance(@Arg("eventId", () => ID) eventId: string, @Ctx() ctx: RequestContext): Promise<Attendance> {
    return ctx.services.ticketEvents.attendance(ctx.caller, eventId);
  }

  @Query(() => String, { description: "public key (PEM) that verifies ticket codes offline" })
  ticketSigningKey(@Ctx() ctx: RequestContext): string {
    return ctx.services.tickets.ticketSigningKey();
  }

  @Subscription(() => Admission, {
    description: "gate or partner of that event",
    subscribe: ({ args, context }) =>
      (context as RequestContext).services.live.admissions((context as RequestContext).caller, String(args.eventId)),
  })
  admissions(@Arg("eventId", () => ID) _eventId: string, @Root() event: AdmissionEvent): Admission {
    return toAdmission(event as unknown as AdmissionDecision);
  }
}

/** What a ticket shows beyond its row: its uses, and its allotments as the caller may see them. */
@Resolver(() => Ticket)
export class TicketFieldsResolver {
  @FieldResolver(() => [TicketUse], { description: "when and at which gate each use was admitted, oldest first" })
  uses(@Root() ticket: Ticket, @Ctx() ctx: RequestContext): Promise<TicketUse[]> {
    return ctx.services.tickets.usesOf(ticket.id);
  }

  @FieldResolver(() => [TicketTransfer], {
    nullable: true,
    description: "allotments: the shop sees the chain, a phone its own and who gave it (masked), a gate none (null)",
  })
  transfers(@Root() ticket: Ticket, @Ctx() ctx: RequestContext): Promise<TicketTransfer[] | null> {
    return ctx.services.tickets.transfersOf(ctx.caller, ticket.id);
  }
}
