import type { ApiKeyEntity, CustomerEntity, DeviceEntity, PaymentEntity } from "../entities";
import type { Device } from "../schema/devices/device.types";
import type { ApiKeyInfo } from "../schema/access/admin.types";
import type { Card } from "../schema/access/customer.types";
import type { Customer } from "../schema/access/customer.types";
import type { Membership } from "../schema/members/membership.types";
import type { Payment } from "../schema/payments/payment.types";
import type { Event, Ticket } from "../schema/tickets/ticket.types";
import type { TicketView } from "../services/tickets/ticket.service";
import type { EventEntity } from "../entities";
import type { MembershipView } from "../services/members/membership.service";
import type { CardView } from "../services/cards/card.service";
import type { PaymentEvent } from "../services/kernel/events";

/** Entity -> API object, field by field: nothing stored leaves by accident. */
export const toDevice = (d: DeviceEntity): Device => ({
  id: d.id,
  name: d.name,
  algorithm: d.algorithm,
  createdAt: d.createdAt,
  lastUsedAt: d.lastUsedAt,
  revokedAt: d.revokedAt,
  offlineMaxAmount: d.offlineMaxAmount,
  offlineMaxCount: d.offlineMaxCount,
});

export const toCustomer = (c: CustomerEntity): Customer => ({
  id: c.id,
  phone: c.phone,
  name: c.name,
  confirmAbove: c.confirmAbove,
});

export const toCard = (c: CardView): Card => ({
  id: c.id,
  selector: c.selector,
  kind: c.kind,
  institution: c.institution,
  brand: c.brand,
  last4: c.last4,
  expiryMonth: c.expiryMonth,
  expiryYear: c.expiryYear,
  label: c.label,
  status: c.status,
  expired: c.expired,
});

const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** From a stored payment, or from a live event's plain-JSON copy of one. */
export const toPayment = (p: PaymentEntity | PaymentEvent): Payment => ({
  id: p.id,
  status: p.status,
  amount: p.amount,
  currency: p.currency,
  items: p.items,
  storeName: p.storeName,
  card: { institution: p.cardInstitution, brand: p.cardBrand, last4: p.cardLast4 },
  approvalNumber: p.approvalNumber,
  declineReason: p.declineReason,
  reference: p.reference,
  createdAt: asDate(p.createdAt),
  decidedAt: p.decidedAt === null ? null : asDate(p.decidedAt),
  customerId: p.customerId,
  storeId: p.storeId,
  keptCustomerNumber: p.customerNumber ?? null,
  refundedAmount: p.refundedAmount,
  authorizedAmount: p.authorizedAmount ?? null,
  capturedAt: p.capturedAt == null ? null : asDate(p.capturedAt),
  pointsSettlementId: p.pointsSettlementId,
  source: p,
});

export const toMembership = (v: MembershipView): Membership => ({
  memberNumber: v.memberNumber,
  programName: v.programName,
  programId: v.programId,
  points: v.points,
  pointsExpiringSoon: v.pointsExpiringSoon,
  nextExpiry: v.nextExpiry,
  offers: v.offers.map((o) => ({ id: o.id, title: o.title, description: o.description, validUntil: o.validUntil })),
  lookupAllowed: v.lookupAllowed,
});

export const toEvent = (e: EventEntity): Event => ({
  id: e.id,
  title: e.title,
  venue: e.venue,
  startsAt: e.startsAt,
  doorsOpenAt: e.doorsOpenAt,
  releaseMinutesBeforeDoors: e.releaseMinutesBeforeDoors,
  allowReentry: Boolean(e.allowReentry),
  maxTransfers: e.maxTransfers ?? null,
});

/** From a ticket view, or from a live event's JSON copy of one (dates as strings). */
export const toTicket = ({ ticket: t, event, releasedAt }: TicketView): Ticket => ({
  id: t.id,
  issueNumber: t.issueNumber,
  event: toEvent(event),
  seat: t.seat,
  usesAllowed: t.usesAllowed,
  usesLeft: t.usesLeft,
  validFrom: t.validFrom,
  validUntil: t.validUntil,
  holderPhone: t.holderPhone,
  releasedAt,
  minMinutesBetweenUses: t.minMinutesBetweenUses ?? null,
  attendeeName: t.attendeeName ?? null,
});

/** Never the key itself: only its hash is stored, and the key is shown once, at issue. */
export const toApiKeyInfo = (key: ApiKeyEntity): ApiKeyInfo => ({
  id: key.id,
  role: key.role,
  ownerId: key.ownerId,
  createdAt: key.createdAt,
  lastUsedAt: key.lastUsedAt,
  revokedAt: key.revokedAt,
});
