import type { Payment } from "@clients/common";
import type { MyStore, RegisterClient } from "@clients/register";

/** A signed-in register, as its screens share it (Register.tsx makes it). */
export interface RegisterSession {
  client: RegisterClient;
  /** The store this key belongs to, as the server holds it: its currency and time zone. */
  store: MyStore;
  currency: string;
  /** The latest word on each payment of this store, as paymentUpdates told it. */
  updates: Map<string, Payment>;
  /** Called with every update; a waiting sale listens here. */
  listeners: Set<(payment: Payment) => void>;
}
