import { AdminClient } from "../../clients/admin";
import { onboardCustomer, type OnboardedCustomer } from "../../clients/onboarding";
import { RegisterClient } from "../../clients/register";
import { ADMIN_TOKEN } from "./server";
import { PASSWORD, TEST_CARDS, randomPhone } from "./test-data";

export { PASSWORD, TEST_CARDS, errorCodeOf, randomPhone } from "./test-data";

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
