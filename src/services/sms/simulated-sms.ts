import type { SentSms, SmsSender } from "./sms-sender";

const REMEMBERED = 1_000;

/**
 * The SMS sender of development and tests: it sends nothing, and keeps the newest
 * messages in memory (never in a log: they hold verification codes) for a test, or a
 * developer through `lastTo`, to read.
 */
export class SimulatedSms implements SmsSender {
  readonly sent: SentSms[] = [];

  async send(to: string, text: string): Promise<void> {
    this.sent.push({ to, text, at: new Date() });
    if (this.sent.length > REMEMBERED) this.sent.splice(0, this.sent.length - REMEMBERED);
  }

  /** The newest message to a number, if any. */
  lastTo(to: string): SentSms | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) if (this.sent[i].to === to) return this.sent[i];
    return undefined;
  }
}
