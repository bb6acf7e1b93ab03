import { WalletApiError } from "@clients/common";
import { RegisterClient } from "@clients/register";

/**
 * A register client that tells the screen when its key stops working (revoked, or
 * never a key), from whatever request learns it first, so every screen leads back to
 * the key form instead of each showing its own failure.
 */
export class WatchedRegisterClient extends RegisterClient {
  constructor(
    url: string,
    apiKey: string,
    private readonly onKeyRefused: () => void,
  ) {
    super(url, apiKey);
  }

  // Both of the base's overloads pass through here unchanged.
  override async request(query: never, variables?: Record<string, unknown>): Promise<never> {
    try {
      return (await super.request(query as string, variables)) as never;
    } catch (error) {
      if (error instanceof WalletApiError && error.code === "UNAUTHENTICATED") this.onKeyRefused();
      throw error;
    }
  }
}
