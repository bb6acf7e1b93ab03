import type { Config } from "../../config";
import { HttpSms } from "./http-sms";
import { SimulatedSms } from "./simulated-sms";

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

/**
 * The configured gateway; else the simulator outside production; else none, and signing
 * up by phone is off (a production server never pretends to send a code).
 */
export function smsSenderFor(config: Config): SmsSender | null {
  if (config.smsGateway) return new HttpSms(config.smsGateway.url, config.smsGateway.token);
  return config.production ? null : new SimulatedSms();
}
