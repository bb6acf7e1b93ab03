import { randomInt } from "node:crypto";
import { CustomerEntity, SignUpCodeEntity } from "../../entities";
import { affectedRows, isUniqueViolation } from "../../database";
import type { AuthService, IssuedSession } from "./auth.service";
import { hashPassword } from "../crypto/password";
import { safeEqual } from "../crypto/tokens";
import type { CustomerService } from "./customer.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, fail } from "../kernel/errors";
import { newId } from "../kernel/ids";
import type { SmsSender } from "../sms/sms-sender";
import { requirePassword, requirePhone, requireText } from "../kernel/validation";

/** How long a sign-up code may be used, and how many wrong codes kill it. */
export const SIGN_UP_CODE_MS = 10 * 60_000;
export const SIGN_UP_CODE_TRIES = 5;
const SMS_TIMEOUT_MS = 5_000;
/**
 * Takes one of a code's tries: only while it has some left, is unused and unexpired. One
 * statement decides, so of guesses racing for the last try exactly one takes it. A right
 * code's try is counted too (the code is used then, so the count no longer matters).
 */
const TAKE_TRY = "UPDATE sign_up_codes SET wrongTries = wrongTries + 1 WHERE id = ? AND wrongTries < ? AND usedAt IS NULL AND expiresAt > ?";

/**
 * Customers sign themselves up on the phone: the number first (`start`), which is sent a
 * six-digit code by SMS, then the code with a name and a password (`complete`), which
 * enrolls them and logs them in. No answer says whether a number is enrolled: `start`
 * answers alike, and writes alike, for every number, and an enrolled number is sent a
 * notice instead of a code (its owner learns someone tried; the asker learns nothing).
 * Codes are kept as keyed hashes bound to the number, live ten minutes and five tries,
 * and a number gets at most RATE_SIGN_UP_CODES_PER_PHONE_PER_HOUR of them (each is an
 * SMS someone pays for); both steps count against the asker's address per hour too.
 */
export class SignUpService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly sms: SmsSender | null,
    private readonly customers: CustomerService,
    private readonly auth: AuthService,
  ) {}

  async start(phoneInput: string, address: string): Promise<boolean> {
    const sms = this.requireSms();
    const phone = requirePhone(phoneInput);
    await this.deps.rateLimits.consume("signUpPerAddress", address);
    await this.deps.rateLimits.consume("signUpCodePerPhone", phone);
    const enrolled = (await this.customers.findByPhone(phone)) !== null;
    const code = String(randomInt(1_000_000)).padStart(6, "0");
    const now = this.deps.clock.now();
    await this.deps.db.tx((tx) =>
      tx.insert(SignUpCodeEntity, {
        id: newId(),
        phone,
        // An enrolled number's row holds a code nobody is sent: completing it always fails.
        codeHash: this.hashOf(phone, code),
        wrongTries: 0,
        expiresAt: new Date(now.getTime() + SIGN_UP_CODE_MS),
        usedAt: null,
        createdAt: now,
      }),
    );
    const text = enrolled
      ? "Someone asked to sign up for wallet-center with this number. It already has an account: log in instead, or ignore this message."
      : `Your wallet-center code is ${code}. It expires in 10 minutes. Never share it.`;
    try {
      await sms.send(phone, text, AbortSignal.timeout(SMS_TIMEOUT_MS));
    } catch (error) {
      // The same answer either way; the phone asks again if no code arrives.
      this.deps.logger.error({ err: (error as Error).name }, "a sign-up SMS could not be sent");
    }
    return true;
  }

  /** Enrolls the number with the code it was sent, and logs it in. CODE_INVALID for a wrong, used, expired or unknown code. */
  async complete(input: { phone: string; code: string; name: string; password: string }, address: string): Promise<IssuedSession> {
    this.requireSms();
    const phone = requirePhone(input.phone);
    const name = requireText(input.name, "name", 100);
    const password = requirePassword(input.password);
    await this.deps.rateLimits.consume("signUpPerAddress", address);
    const now = this.deps.clock.now();
    const newest = await this.deps.db.read((m) =>
      m
        .createQueryBuilder(SignUpCodeEntity, "s")
        .where("s.phone = :phone AND s.usedAt IS NULL AND s.expiresAt > :now AND s.wrongTries < :tries", { phone, now, tries: SIGN_UP_CODE_TRIES })
        .orderBy("s.createdAt", "DESC")
        .getOne(),
    );
    const wrong = () => fail(ErrorCode.CODE_INVALID, "The code is wrong or has expired: ask for a new one");
    if (!newest) return wrong();
    // The try is taken before the code is compared, so however many guesses race, at most
    // SIGN_UP_CODE_TRIES are ever checked against one code.
    if ((await this.deps.db.write(TAKE_TRY, [newest.id, SIGN_UP_CODE_TRIES, now])) !== 1) return wrong();
    if (!safeEqual(newest.codeHash, this.hashOf(phone, input.code.trim()))) return wrong();
    const customer = Object.assign(new CustomerEntity(), {
      id: newId(),
      phone,
      name,
      address: null,
      passwordHash: await hashPassword(password, this.deps.config.passwordHashCost, address),
      confirmAbove: null,
      createdAt: now,
    });
    try {
      await this.deps.db.tx(async (tx) => {
        // One use of the code, whichever of two completions comes first.
        const used = await tx
          .createQueryBuilder()
          .update(SignUpCodeEntity)
          .set({ usedAt: now })
          .where("id = :id AND usedAt IS NULL", { id: newest.id })
          .execute();
        if (affectedRows(used) !== 1) wrong();
        await tx.insert(CustomerEntity, customer);
      });
    } catch (error) {
      // Enrolled meanwhile (by the back office): the code no longer enrolls anyone.
      if (isUniqueViolation(error)) return wrong();
      throw error;
    }
    return this.auth.issueSession(customer);
  }

  private requireSms(): SmsSender {
    if (!this.sms) return fail(ErrorCode.FORBIDDEN, "Signing up by phone is not enabled on this server (no SMS gateway)");
    return this.sms;
  }

  private hashOf(phone: string, code: string): string {
    return this.deps.keys.codes.hash(`sign-up:${phone}:${code}`);
  }
}
