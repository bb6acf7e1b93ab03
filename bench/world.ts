import { randomInt } from "node:crypto";
import { AdminClient } from "../clients/admin";
import { onboardCustomer, type OnboardedCustomer } from "../clients/onboarding";
import { RegisterClient } from "../clients/register";

export const PASSWORD = "bench password 1";

export type BenchPhone = OnboardedCustomer;

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

/** A customer with a card in the wallet (see clients/onboarding.ts), optionally confirming payments. */
/**
 * One request in flight per phone, as a phone has: a device's proofs carry increasing
 * counters, and two in flight could arrive out of order. Call i goes to phone i mod n,
 * after that phone's previous call.
 */
export function onePerPhone<P>(phones: P[]) {
  const queues = phones.map(() => Promise.resolve());
  return <T>(i: number, work: (phone: P) => Promise<T>): Promise<T> => {
    const k = i % phones.length;
    const run = queues[k].then(() => work(phones[k]));
    queues[k] = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

export async function newPhone(admin: AdminClient, confirmAbove: number | null = null): Promise<BenchPhone> {
  const phoneNumber = `+8170${String(10_000_000 + (phoneSerial++ % 89_999_999))}`;
  const customer = await onboardCustomer({ admin, phoneNumber, password: PASSWORD, pan: "4242424242424242", name: "Bench Customer" });
  if (confirmAbove !== null) await customer.phone.setConfirmAbove(confirmAbove);
  return customer;
}

export async function newRegisters(url: string, admin: AdminClient, count: number): Promise<RegisterClient[]> {
  const store = await admin.createStore("Bench Store", "JPY");
  return inParallel(count, 8, async () => new RegisterClient(url, (await admin.issueApiKey("REGISTER", store.id)).key, admin.options));
}
