import type { AdminClient } from "./admin";
import { PhoneClient, type Card } from "./phone";

export interface OnboardedCustomer {
  phone: PhoneClient;
  phoneNumber: string;
  customerId: string;
  card: Card;
}

/**
 * The first minutes of a customer, through the public API: the back office enrolls them,
 * the phone logs in, adds a card (valid three more years) and puts it in the wallet.
 * For demos, tests and the bench.
 */
export async function onboardCustomer(options: {
  admin: AdminClient;
  phoneNumber: string;
  password: string;
  pan: string;
  name?: string;
  institution?: string;
}): Promise<OnboardedCustomer> {
  const name = options.name ?? "Hanako Yamada";
  const customer = await options.admin.enrollCustomer({ phone: options.phoneNumber, name, password: options.password });
  const phone = new PhoneClient(options.admin.url, undefined, options.admin.options);
  await phone.login(options.phoneNumber, options.password);
  const added = await phone.addCard({
    pan: options.pan,
    expiryMonth: 12,
    expiryYear: new Date().getUTCFullYear() + 3,
    holderName: name.toUpperCase(),
    kind: "CREDIT",
    institution: options.institution ?? "Test Card Co.",
  });
  const card = await phone.setCardStatus(added.id, "AVAILABLE", options.password);
  return { phone, phoneNumber: options.phoneNumber, customerId: customer.id, card };
}
