import { WalletApiError } from "@clients/common";
import type { UserVerification } from "@clients/phone";
import { browserSupportsWebAuthn, startAuthentication } from "@simplewebauthn/browser";
import { askPin } from "./pin-prompt";
import type { PhoneSession } from "./session";
import { pw } from "./phone-words";

/** The customer closed the fingerprint, face or PIN prompt: nothing was sent. */
export class VerificationCancelled extends Error {
  constructor() {
    super(pw.notConfirmed);
    this.name = "VerificationCancelled";
  }
}

/**
 * Asks who holds the phone (docs/user-verification.md): the passkey of this phone's
 * authenticator (fingerprint, face or screen lock) with a fresh one-time challenge from
 * the server, or, where there is none, the payment PIN. Null for a customer who has set
 * up neither: the server then asks nothing more than the device's proof.
 */
export async function verifyUser(session: PhoneSession): Promise<UserVerification | null> {
  const methods = await session.client.userVerificationMethods();
  if (methods.passkeys > 0 && browserSupportsWebAuthn()) {
    try {
      const optionsJSON = (await session.client.userVerificationOptions()) as unknown as Parameters<typeof startAuthentication>[0]["optionsJSON"];
      return { webAuthn: JSON.stringify(await startAuthentication({ optionsJSON })) };
    } catch (error) {
      // No passkey of this phone answered (cancelled, or made on another device): the PIN, if there is one.
      if (error instanceof WalletApiError || !methods.pin) throw error instanceof WalletApiError ? error : new VerificationCancelled();
    }
  }
  if (methods.pin) {
    const pin = await askPin();
    if (pin === null) throw new VerificationCancelled();
    return { pin };
  }
  return null;
}

/**
 * Runs `act` without a verification first and, if the server answers
 * VERIFICATION_REQUIRED (a code that would pay without asking again), verifies and runs it once more.
 */
export async function withVerificationIfAsked<T>(session: PhoneSession, act: (verification: UserVerification | null) => Promise<T>): Promise<T> {
  try {
    return await act(null);
  } catch (error) {
    if (!(error instanceof WalletApiError && error.code === "VERIFICATION_REQUIRED")) throw error;
  }
  return act(await verifyUser(session));
}
