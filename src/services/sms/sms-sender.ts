/**
 * Sends a text message to a phone. The server sends two kinds, both for signing up: a
 * verification code, and a notice to a number that is already enrolled. Connectors to a
 * real SMS gateway implement this; `signal` ends a send that takes too long.
 */
export interface SmsSender {
  send(to: string, text: string, signal: AbortSignal): Promise<void>;
}

/** What the simulator keeps of one message. */
export interface SentSms {
  to: string;
  text: string;
  at: Date;
}
