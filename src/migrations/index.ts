import { Initial1764000000000 } from "./1764000000000-initial";
import { ConfirmationRequests1764100000000 } from "./1764100000000-confirmation-requests";
import { Membership1764200000000 } from "./1764200000000-membership";
import { Bills1764300000000 } from "./1764300000000-bills";
import { Tickets1764400000000 } from "./1764400000000-tickets";
import { OutboxLease1764500000000 } from "./1764500000000-outbox-lease";
import { ApiKeyLastUsed1764600000000 } from "./1764600000000-api-key-last-used";
import { PaymentProcessingDeadline1764700000000 } from "./1764700000000-payment-processing-deadline";
import { NoAccountLock1764800000000 } from "./1764800000000-no-account-lock";
import { OutboxDestinations1764900000000 } from "./1764900000000-outbox-destinations";
import { KeyIds1764960000000 } from "./1764960000000-key-ids";
import { RetentionIndexes1765000000000 } from "./1765000000000-retention-indexes";
import { Devices1765100000000 } from "./1765100000000-devices";
import { PartialRefunds1765200000000 } from "./1765200000000-partial-refunds";
import { PaymentPoints1765201000000 } from "./1765201000000-payment-points";
import { Gates1765300000000 } from "./1765300000000-gates";
import { MessageAudience1765400000000 } from "./1765400000000-message-audience";
import { StoreDay1765410000000 } from "./1765410000000-store-day";
import { SignUpCodes1765420000000 } from "./1765420000000-sign-up-codes";
import { OfflineTokens1765430000000 } from "./1765430000000-offline-tokens";
import { StoreReport1765440000000 } from "./1765440000000-store-report";
import { BillCardPayments1765450000000 } from "./1765450000000-bill-card-payments";
import { RotatingWindows1765460500000 } from "./1765460500000-rotating-windows";
import { LimitWrites1765470000000 } from "./1765470000000-limit-writes";
import { DeviceTimes1765480000000 } from "./1765480000000-device-times";
import { Books1765490000000 } from "./1765490000000-books";
import { CardRemoval1765500000000 } from "./1765500000000-card-removal";
import { UserVerification1765510000000 } from "./1765510000000-user-verification";
import { BooksCopies1765520000000 } from "./1765520000000-books-copies";
import { GateDesk1766000000000 } from "./1766000000000-gate-desk";
import { MerchantEvents1765800000000 } from "./1765800000000-merchant-events";
import { DailyLimits1765900000000 } from "./1765900000000-daily-limits";
import { PointAdjustments1765901000000 } from "./1765901000000-point-adjustments";
import { MemberLookup1765902000000 } from "./1765902000000-member-lookup";
import { WalletPasses1765700000000 } from "./1765700000000-wallet-passes";
import { PushSubscriptions1765600000000 } from "./1765600000000-push-subscriptions";
import { CaptureLater1766100000000 } from "./1766100000000-capture-later";
import { ListIndexes1766200000000 } from "./1766200000000-list-indexes";
import { AttendanceTallies1766300000000 } from "./1766300000000-attendance-tallies";
import { DeadMessagesIndex1766400000000 } from "./1766400000000-dead-messages-index";
import { SnapshotPages1766470000000 } from "./1766470000000-snapshot-pages";
import { StoreDaySums1766500000000 } from "./1766500000000-store-day-sums";
import { MessageNotices1766600000000 } from "./1766600000000-message-notices";

/** Every migration, oldest first; the server runs the pending ones at start. */
export const migrations = [
  Initial1764000000000,
  ConfirmationRequests1764100000000,
  Membership1764200000000,
  Bills1764300000000,
  Tickets1764400000000,
  OutboxLease1764500000000,
  ApiKeyLastUsed1764600000000,
  PaymentProcessingDeadline1764700000000,
  NoAccountLock1764800000000,
  OutboxDestinations1764900000000,
  KeyIds1764960000000,
  RetentionIndexes1765000000000,
  Devices1765100000000,
  PartialRefunds1765200000000,
  PaymentPoints1765201000000,
  Gates1765300000000,
  MessageAudience1765400000000,
  StoreDay1765410000000,
  SignUpCodes1765420000000,
  OfflineTokens1765430000000,
  StoreReport1765440000000,
  BillCardPayments1765450000000,
  RotatingWindows1765460500000,
  LimitWrites1765470000000,
  DeviceTimes1765480000000,
  Books1765490000000,
  CardRemoval1765500000000,
  UserVerification1765510000000,
  BooksCopies1765520000000,
  PushSubscriptions1765600000000,
  WalletPasses1765700000000,
  MerchantEvents1765800000000,
  DailyLimits1765900000000,
  PointAdjustments1765901000000,
  MemberLookup1765902000000,
  GateDesk1766000000000,
  CaptureLater1766100000000,
  ListIndexes1766200000000,
  AttendanceTallies1766300000000,
  DeadMessagesIndex1766400000000,
  SnapshotPages1766470000000,
  StoreDaySums1766500000000,
  MessageNotices1766600000000,
];
