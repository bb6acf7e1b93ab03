import { AdmissionEntity } from "./admission.entity";
import { EventEntity } from "./event.entity";
import { TicketEntity } from "./ticket.entity";
import { BillEntity } from "./bill.entity";
import { InboxEntryEntity, MessageEntity } from "./message.entity";
import { MembershipEntity } from "./membership.entity";
import { OfferEntity } from "./offer.entity";
import { PointLotEntity } from "./point-lot.entity";
import { PointMovementEntity } from "./point-movement.entity";
import { PointSettlementEntity } from "./point-settlement.entity";
import { ProgramEntity } from "./program.entity";
import { ApiKeyEntity } from "./api-key.entity";
import { CardEntity } from "./card.entity";
import { ConfirmationRequestEntity } from "./confirmation-request.entity";
import { CustomerEntity } from "./customer.entity";
import { IdempotencyRecordEntity } from "./idempotency-record.entity";
import { LedgerEntryEntity } from "./ledger-entry.entity";
import { OutboxMessageEntity } from "./outbox-message.entity";
import { PartnerEntity } from "./partner.entity";
import { PaymentEntity } from "./payment.entity";
import { SessionEntity } from "./session.entity";
import { StoreEntity } from "./store.entity";
import { WalletCodeEntity } from "./wallet-code.entity";

export {
  AdmissionEntity,
  EventEntity,
  TicketEntity,
  BillEntity,
  InboxEntryEntity,
  MembershipEntity,
  MessageEntity,
  OfferEntity,
  PointLotEntity,
  PointMovementEntity,
  PointSettlementEntity,
  ProgramEntity,
  ApiKeyEntity,
  CardEntity,
  ConfirmationRequestEntity,
  CustomerEntity,
  IdempotencyRecordEntity,
  LedgerEntryEntity,
  OutboxMessageEntity,
  PartnerEntity,
  PaymentEntity,
  SessionEntity,
  StoreEntity,
  WalletCodeEntity,
};

export const entities = [
  AdmissionEntity,
  EventEntity,
  TicketEntity,
  BillEntity,
  InboxEntryEntity,
  MembershipEntity,
  MessageEntity,
  OfferEntity,
  PointLotEntity,
  PointMovementEntity,
  PointSettlementEntity,
  ProgramEntity,
  ApiKeyEntity,
  CardEntity,
  ConfirmationRequestEntity,
  CustomerEntity,
  IdempotencyRecordEntity,
  LedgerEntryEntity,
  OutboxMessageEntity,
  PartnerEntity,
  PaymentEntity,
  SessionEntity,
  StoreEntity,
  WalletCodeEntity,
];
