import type { AdminClient } from "../clients/admin";
import type { LiveFeed } from "../clients/live";
import type { ConfirmationRequest } from "../clients/phone";
import type { RegisterClient } from "../clients/register";
import { summarize, type Summary } from "./stats";
import { PASSWORD, inParallel, newPhone, type BenchPhone } from "./world";

export interface SubscribedPhone extends BenchPhone {
  requests: LiveFeed<ConfirmationRequest>;
  code?: string;
}

/** Phones that confirm every payment (confirmAbove 0), each subscribed on its own socket. */
export async function subscribedPhones(admin: AdminClient, count: number, withCode: boolean): Promise<SubscribedPhone[]> {
  const phones = await inParallel(count, 16, async () => {
    const p = await newPhone(admin, 0);
    const code = withCode ? (await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "none")).code : undefined;
    return { ...p, code, requests: p.phone.confirmationRequests() };
  });
  await inParallel(count, 64, (i) => phones[i].requests.ready);
  return phones;
}

/**
 * Payments that need the phone's OK, fired at a steady rate at distinct phones; the
 * latency is from sending redeemCode to that phone receiving the confirmation request.
 */
export async function deliveryLatency(phones: SubscribedPhone[], registers: RegisterClient[], perSecond: number): Promise<Summary> {
  const latencies: number[] = [];
  let errors = 0;
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < phones.length; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const phone = phones[i];
    const t0 = process.hrtime.bigint();
    const received = phone.requests.next(10_000).then(() => {
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
    const sent = registers[i % registers.length].redeemCode(phone.code!, { amount: 1000, currency: "JPY" }, `live-${i}`);
    inFlight.push(Promise.all([received, sent]).then(() => undefined, () => void errors++));
  }
  await Promise.all(inFlight);
  return summarize(latencies, errors, (Date.now() - started) / 1000);
}

export async function closeAll(phones: SubscribedPhone[]): Promise<void> {
  await inParallel(phones.length, 256, (i) => phones[i].phone.live.close());
}
