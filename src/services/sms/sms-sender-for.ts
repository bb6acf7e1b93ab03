import type { Config } from "../../config";
import { HttpSms } from "./http-sms";
import { SimulatedSms } from "./simulated-sms";
import type { SmsSender } from "./sms-sender";

/**
 * The configured gateway; else the simulator outside production; else none, and signing
 * up by phone is off (a production server never pretends to send a code).
 */
export function smsSenderFor(config: Config): SmsSender | null {
  if (config.smsGateway) return new HttpSms(config.smsGateway.url, config.smsGateway.token);
  return config.production ? null : new SimulatedSms();
}
