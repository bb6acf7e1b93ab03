import { randomInt } from "node:crypto";

/*
 * Test data for every layer, with no client or server behind it (a service-level test
 * imports this without loading the HTTP clients).
 */

/** The simulator's test cards (src/services/institutions/simulator.ts). */
export const TEST_CARDS = {
  visa: "4242424242424242",
  mastercard: "5555555555554444",
  jcb: "3530111333300000",
  amex: "378282246310005",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  expired: "4000000000000069",
  noAnswer: "4000000000000119",
};

export const PASSWORD = "correct horse battery";

export const randomPhone = () => `+8190${String(randomInt(10_000_000, 99_999_999))}`;

/** Runs `attempt` and returns the code it failed with (a client's WalletApiError or a service's WalletError); throws if it did not fail. */
export async function errorCodeOf(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    return (error as { code?: string }).code ?? "NO_CODE";
  }
  throw new Error("expected the call to fail");
}
