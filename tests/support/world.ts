import { randomInt } from "node:crypto";
import { AdminClient } from "../../clients/admin";
import { onboardCustomer, type OnboardedCustomer } from "../../clients/onboarding";
import { RegisterClient } from "../../clients/register";
import { ADMIN_TOKEN } from "./server";

/** The simulator's test cards (src/services/institutions/simulator.ts). */
export const TEST_CARDS = {
  visa: "4242424242424242",
  mastercard: "5555555555554444",
  jcb: "3530111333300000",
  amex: "378282246310005",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  expired: "4000000000000069",
  noAnswer: "4000000000000119",
};

export const PASSWORD = "correct horse battery";

export const randomPhone = () => `+8190${String(randomInt(10_000_000, 99_999_999))}`;

export type Shopper = OnboardedCustomer;

/** Enrolls a customer, logs the phone in, adds a card and makes it available. */
export function newShopper(url: string, pan = TEST_CARDS.visa): Promise<Shopper> {
  return onboardCustomer({ admin: new AdminClient(url, ADMIN_TOKEN), phoneNumber: randomPhone(), password: PASSWORD, pan });
}

/** A store with one register key. */
export async function newRegister(url: string, currency = "JPY", storeName = "Corner Store Shibuya") {
  const admin = new AdminClient(url, ADMIN_TOKEN);
  const store = await admin.createStore(storeName, currency);
  const key = await admin.issueApiKey("REGISTER", store.id);
  return { store, register: new RegisterClient(url, key.key), apiKey: key.key };
}

/** Runs `attempt` and returns the WalletApiError code it failed with (or throws if it did not fail). */
export async function errorCodeOf(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    return (error as { code?: string }).code ?? "NO_CODE";
  }
  throw new Error("expected the call to fail");
}
