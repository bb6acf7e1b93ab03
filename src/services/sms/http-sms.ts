import type { SmsSender } from "./sms-sender";

/**
 * An SMS gateway reached over HTTP: POSTs `{"to", "text"}` as JSON to SMS_GATEWAY_URL,
 * with SMS_GATEWAY_TOKEN as a bearer token when set. Any 2xx is sent; anything else,
 * or no answer in time, is a failure the caller reports. The URL is the operator's own
 * setting, never a caller's, so it may be on the private network and is not held to the
 * public-address rule of webhooks (outbound-address.ts).
 */
export class HttpSms implements SmsSender {
  constructor(
    private readonly url: string,
    private readonly token: string | null,
  ) {}

  async send(to: string, text: string, signal: AbortSignal): Promise<void> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ to, text }),
      redirect: "manual",
      signal,
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) throw new Error(`SMS gateway answered HTTP ${response.status}`);
  }
}
