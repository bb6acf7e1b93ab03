import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { CustomerEntity, PasskeyEntity, VerificationChallengeEntity } from "../../entities";
import type { VerificationPurpose } from "../../entities/value-lists";
import { hashPassword, verifyPassword } from "../crypto/password";
import { confirmPassword } from "../access/password-check";
import type { Approval } from "../kernel/approval";
import type { Caller, CustomerCaller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, WalletError, badInput, fail, notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { requireText } from "../kernel/validation";
import { isUniqueViolation } from "../../database";

/** Wrong payment PINs in a row before the PIN is blocked until set again with the password. */
export const PIN_TRIES = 5;
/** A payment PIN: 4 to 8 digits. */
const PIN_PATTERN = /^\d{4,8}$/;
/** Passkeys one customer may register: a phone or two, a tablet, a laptop. */
const MAX_PASSKEYS = 10;

/** Exactly one of the two: a passkey's assertion (AuthenticationResponseJSON as JSON text) or the payment PIN. */
export interface UserVerification {
  webAuthn?: string | null;
  pin?: string | null;
}

export interface VerificationMethods {
  passkeys: number;
  pin: boolean;
  pinTriesLeft: number;
}

/** Takes a challenge once, before its expiry, for its customer and purpose. */
const TAKE_CHALLENGE =
  "UPDATE verification_challenges SET usedAt = ? WHERE challenge = ? AND customerId = ? AND purpose = ? AND usedAt IS NULL AND expiresAt > ?";
/**
 * Records an assertion's counter if it moved forward (or the authenticator keeps none:
 * both zero), so of two assertions racing with one counter only one is taken.
 */
const TAKE_COUNTER = "UPDATE passkeys SET counter = ?, lastUsedAt = ? WHERE id = ? AND customerId = ? AND (counter < ? OR (counter = 0 AND ? = 0))";
/** Takes one try of the PIN before it is checked; none is left after PIN_TRIES wrong ones in a row. */
const TAKE_PIN_TRY = "UPDATE customers SET pinWrongTries = pinWrongTries + 1 WHERE id = ? AND pinHash IS NOT NULL AND pinWrongTries < ?";

/**
 * Who holds the phone. A customer proves it with a passkey (WebAuthn with user
 * verification: a platform authenticator's fingerprint, face or device PIN) or, where the
 * phone has no authenticator, with a payment PIN. The server gives each ceremony a
 * one-time challenge that expires (VERIFICATION_CHALLENGE_TTL_SECONDS), checks the
 * assertion with @simplewebauthn/server against the configured relying party
 * (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS), and keeps each passkey's counter.
 *
 * When it is asked (docs/user-verification.md): approving a confirmation, and issuing a
 * payment code while the customer has no confirmAbove (such a code pays any amount
 * without asking again). The password, when a client sends it as the approval, is itself
 * the customer's proof; a device's proof alone is not, once the customer has set up a
 * passkey or a PIN.
 */
export class UserVerificationService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Options for navigator.credentials.create(), as JSON; the password is asked, as for a device key. */
  async passkeyRegistrationOptions(caller: Caller, password: string): Promise<string> {
    const session = requireCustomer(caller);
    await confirmPassword(this.deps, session, password);
    const { customer, passkeys } = await this.deps.db.read(async (m) => ({
      customer: (await m.findOneBy(CustomerEntity, { id: session.customerId })) ?? notFound("customer"),
      passkeys: await m.findBy(PasskeyEntity, { customerId: session.customerId }),
    }));
    if (passkeys.length >= MAX_PASSKEYS) badInput(`At most ${MAX_PASSKEYS} passkeys may be registered`, { limit: MAX_PASSKEYS });
    const { rpId, rpName } = this.deps.config.webAuthn;
    const options = await generateRegistrationOptions({
      rpName,
      rpID: rpId,
      userName: customer.phone,
      userDisplayName: customer.name,
      userID: new TextEncoder().encode(customer.id),
      attestationType: "none",
      excludeCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
      authenticatorSelection: { authenticatorAttachment: "platform", userVerification: "required", residentKey: "preferred" },
    });
    await this.saveChallenge(session.customerId, "REGISTER", options.challenge);
    return JSON.stringify(options);
  }

  /** Registers the passkey navigator.credentials.create() made (RegistrationResponseJSON as JSON text). */
  async registerPasskey(caller: Caller, responseJson: string, name: string): Promise<PasskeyEntity> {
    const session = requireCustomer(caller);
    const passkeyName = requireText(name, "name", 50);
    const response = parseJson<RegistrationResponseJSON>(responseJson, "response");
    const challenge = await this.takeChallenge(session, "REGISTER", response);
    const { origins, rpId } = this.deps.config.webAuthn;
    const verified = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: origins, expectedRPID: rpId, requireUserVerification: true }).catch(
      (error: unknown) => refused(error),
    );
    if (!verified.verified || !verified.registrationInfo) return refused(null);
    const { credential } = verified.registrationInfo;
    const passkey = Object.assign(new PasskeyEntity(), {
      id: newId(),
      customerId: session.customerId,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports?.join(",") ?? null,
      name: passkeyName,
      createdAt: this.deps.clock.now(),
      lastUsedAt: null,
    });
    try {
      await this.deps.db.tx((tx) => tx.insert(PasskeyEntity, passkey));
    } catch (error) {
      if (isUniqueViolation(error)) badInput("This passkey is registered already", { field: "response" });
      throw error;
    }
    return passkey;
  }

  /** Options for navigator.credentials.get() with a fresh one-time challenge, as JSON; BAD_USER_INPUT for a customer with no passkey. */
  async verificationOptions(caller: Caller): Promise<string> {
    const session = requireCustomer(caller);
    const passkeys = await this.deps.db.read((m) => m.findBy(PasskeyEntity, { customerId: session.customerId }));
    if (passkeys.length === 0) badInput("No passkey is registered: verify with the payment PIN");
    const options = await generateAuthenticationOptions({
      rpID: this.deps.config.webAuthn.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
      userVerification: "required",
    });
    await this.saveChallenge(session.customerId, "VERIFY", options.challenge);
    return JSON.stringify(options);
  }

  async methods(caller: Caller): Promise<VerificationMethods> {
    const { customerId } = requireCustomer(caller);
    return this.deps.db.read(async (m) => {
      const customer = (await m.findOneBy(CustomerEntity, { id: customerId })) ?? notFound("customer");
      const passkeys = await m.countBy(PasskeyEntity, { customerId });
      return { passkeys, pin: customer.pinHash !== null, pinTriesLeft: customer.pinHash === null ? 0 : Math.max(0, PIN_TRIES - customer.pinWrongTries) };
    });
  }

  /** Sets or changes the payment PIN (4 to 8 digits), with the password; its wrong tries start again. */
  async setPin(caller: Caller, pin: string, password: string): Promise<void> {
    const session = requireCustomer(caller);
    if (!PIN_PATTERN.test(pin)) badInput("The PIN must be 4 to 8 digits", { field: "pin" });
    await confirmPassword(this.deps, session, password);
    const pinHash = await hashPassword(pin, this.deps.config.passwordHashCost, session.address);
    await this.deps.db.tx((tx) => tx.update(CustomerEntity, { id: session.customerId }, { pinHash, pinWrongTries: 0 }));
  }

  /**
   * An approval's check of who holds the phone: a verification that came is always
   * checked; none is needed with the password as the approval (the customer's own
   * secret), nor, for the clients from before, from a customer who has set up neither a
   * passkey nor a PIN; otherwise VERIFICATION_REQUIRED.
   */
  async requireForApproval(session: CustomerCaller, approval: Approval, verification: UserVerification | null | undefined): Promise<void> {
    if (verification?.webAuthn != null || verification?.pin != null) return this.requireVerified(session, verification);
    if (typeof approval === "string") return;
    if (await this.enrolled(session.customerId)) await this.requireVerified(session, null);
  }

  /** Whether the customer has set up a way to be verified (a passkey or a PIN). */
  async enrolled(customerId: string): Promise<boolean> {
    return this.deps.db.read(
      async (m) => (await m.existsBy(PasskeyEntity, { customerId })) || Boolean((await m.findOneBy(CustomerEntity, { id: customerId }))?.pinHash),
    );
  }

  /**
   * The customer is verified by `verification`: VERIFICATION_REQUIRED when it is missing,
   * VERIFICATION_FAILED for an assertion that does not verify, INVALID_PASSWORD for a
   * wrong PIN (with the tries left), PIN_BLOCKED when none is left.
   */
  async requireVerified(session: CustomerCaller, verification: UserVerification | null | undefined): Promise<void> {
    const webAuthn = verification?.webAuthn ?? null;
    const pin = verification?.pin ?? null;
    if (webAuthn === null && pin === null) fail(ErrorCode.VERIFICATION_REQUIRED, "Confirm it is you: with your fingerprint, face or screen lock, or your payment PIN");
    if (webAuthn !== null && pin !== null) badInput("Give either webAuthn or pin, not both", { field: "verification" });
    if (webAuthn !== null) await this.checkAssertion(session, webAuthn);
    else await this.checkPin(session, pin!);
  }

  private async checkAssertion(session: CustomerCaller, json: string): Promise<void> {
    const response = parseJson<AuthenticationResponseJSON>(json, "webAuthn");
    const credentialId = typeof response.id === "string" ? response.id : "";
    const passkey = credentialId.length <= 255 ? await this.deps.db.read((m) => m.findOneBy(PasskeyEntity, { credentialId })) : null;
    // Another customer's passkey is answered as an unknown one.
    if (!passkey || passkey.customerId !== session.customerId) fail(ErrorCode.VERIFICATION_FAILED, "This passkey is not registered to you");
    const challenge = await this.takeChallenge(session, "VERIFY", response);
    const { origins, rpId } = this.deps.config.webAuthn;
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      credential: { id: passkey!.credentialId, publicKey: new Uint8Array(passkey!.publicKey), counter: passkey!.counter, transports: transportsOf(passkey!) },
      requireUserVerification: true,
    }).catch((error: unknown) => refused(error));
    if (!verified.verified || !verified.authenticationInfo.userVerified) refused(null);
    const { newCounter } = verified.authenticationInfo;
    const taken = await this.deps.db.write(TAKE_COUNTER, [newCounter, this.deps.clock.now(), passkey!.id, session.customerId, newCounter, newCounter]);
    if (taken !== 1) refused(new Error("the counter did not move forward"));
  }

  private async checkPin(session: CustomerCaller, pin: string): Promise<void> {
    const { customerId } = session;
    if ((await this.deps.db.write(TAKE_PIN_TRY, [customerId, PIN_TRIES])) !== 1) {
      const customer = await this.deps.db.read((m) => m.findOneBy(CustomerEntity, { id: customerId }));
      if (!customer?.pinHash) fail(ErrorCode.VERIFICATION_REQUIRED, "No payment PIN is set: set one with your password first");
      fail(ErrorCode.PIN_BLOCKED, "The payment PIN was wrong too many times: set it again with your password");
    }
    const customer = (await this.deps.db.read((m) => m.findOneBy(CustomerEntity, { id: customerId }))) ?? notFound("customer");
    if (PIN_PATTERN.test(pin) && (await verifyPassword(pin, customer.pinHash!, session.address))) {
      await this.deps.db.write("UPDATE customers SET pinWrongTries = 0 WHERE id = ?", [customerId]);
      return;
    }
    fail(ErrorCode.INVALID_PASSWORD, "The payment PIN is wrong", { attemptsLeft: Math.max(0, PIN_TRIES - customer.pinWrongTries) });
  }

  private async saveChallenge(customerId: string, purpose: VerificationPurpose, challenge: string): Promise<void> {
    const now = this.deps.clock.now();
    const row = Object.assign(new VerificationChallengeEntity(), {
      id: newId(),
      customerId,
      purpose,
      challenge,
      expiresAt: new Date(now.getTime() + this.deps.config.webAuthn.challengeTtlSeconds * 1000),
      usedAt: null,
      createdAt: now,
    });
    await this.deps.db.tx((tx) => tx.insert(VerificationChallengeEntity, row));
  }

  /**
   * The challenge the browser signed (from clientDataJSON), taken once: refused when it is
   * not this customer's for this purpose, used already, or expired. The signature over it
   * is checked afterwards; a challenge is spent by any attempt, right or wrong.
   */
  private async takeChallenge(session: CustomerCaller, purpose: VerificationPurpose, response: { response?: { clientDataJSON?: unknown } }): Promise<string> {
    let challenge = "";
    try {
      const clientData = JSON.parse(Buffer.from(String(response.response?.clientDataJSON ?? ""), "base64url").toString("utf8")) as { challenge?: unknown };
      challenge = typeof clientData.challenge === "string" ? clientData.challenge : "";
    } catch {
      // Answered below as any other unknown challenge.
    }
    const now = this.deps.clock.now();
    if (challenge.length === 0 || challenge.length > 100 || (await this.deps.db.write(TAKE_CHALLENGE, [now, challenge, session.customerId, purpose, now])) !== 1) {
      fail(ErrorCode.VERIFICATION_FAILED, "This verification was used already or has expired: try again");
    }
    return challenge;
  }
}

const transportsOf = (passkey: PasskeyEntity) => (passkey.transports ? (passkey.transports.split(",") as AuthenticatorTransport[]) : undefined);

function parseJson<T>(text: string, field: string): T {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object") return value as T;
  } catch {
    // Answered below.
  }
  return badInput(`${field} must be the browser's WebAuthn response as JSON`, { field });
}

/**
 * A WebAuthn response that does not verify. The library's reason (no user verification,
 * a counter gone back, another origin) says nothing secret and helps the client; only
 * its first line is kept.
 */
function refused(error: unknown): never {
  const reason = error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : "the response does not verify";
  throw new WalletError(ErrorCode.VERIFICATION_FAILED, "Your fingerprint, face or screen lock could not be confirmed: try again", { reason });
}
