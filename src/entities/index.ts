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
