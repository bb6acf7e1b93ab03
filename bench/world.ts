import { randomInt } from "node:crypto";
import { AdminClient } from "../clients/admin";
import { PhoneClient, type Card } from "../clients/phone";
import { RegisterClient } from "../clients/register";

export const PASSWORD = "bench password 1";

export interface BenchPhone {
  phone: PhoneClient;
  phoneNumber: string;
  card: Card;
}

/** Runs `make(i)` for i < count, `concurrency` at a time, keeping the results in order. */
export async function inParallel<T>(count: number, concurrency: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await make(i);
    }),
  );
  return out;
}

let phoneSerial = randomInt(1_000_000);

/** Enrolls a customer through the public API, logs the phone in, and puts a card in the wallet. */
export async function newPhone(url: string, admin: AdminClient, confirmAbove: number | null = null): Promise<BenchPhone> {
  const phoneNumber = `+8170${String(10_000_000 + (phoneSerial++ % 89_999_999))}`;
  await admin.enrollCustomer({ phone: phoneNumber, name: "Bench Customer", password: PASSWORD });
  const phone = new PhoneClient(url);
  await phone.login(phoneNumber, PASSWORD);
  const added = await phone.addCard({
    pan: "4242424242424242",
    expiryMonth: 12,
    expiryYear: new Date().getUTCFullYear() + 3,
    holderName: "BENCH",
    kind: "CREDIT",
    institution: "Bench Card Co.",
  });
  const card = await phone.setCardStatus(added.id, "AVAILABLE", PASSWORD);
  if (confirmAbove !== null) await phone.setConfirmAbove(confirmAbove);
  return { phone, phoneNumber, card };
}

export async function newRegisters(url: string, admin: AdminClient, count: number): Promise<RegisterClient[]> {
  const store = await admin.createStore("Bench Store", "JPY");
  return inParallel(count, 8, async () => new RegisterClient(url, (await admin.issueApiKey("REGISTER", store.id)).key));
}
