import { CustomerEntity } from "../entities";
import type { Caller } from "./caller";
import { hashPassword, verifyPassword } from "./crypto/password";
import { isUniqueViolation } from "../database";
import type { ServiceDeps } from "./deps";
import { ErrorCode, WalletError, fail, notFound } from "./errors";
import { newId } from "./ids";
import { optionalText, requirePassword, requirePhone, requireText } from "./validation";
import { requireAdmin, requireCustomer } from "./guards";

export const MAX_PASSWORD_FAILURES = 5;
export const LOCK_MINUTES = 15;

export interface EnrollInput {
  phone: string;
  name: string;
  password: string;
  address?: string | null;
}

/** Customers: enrollment by the back office, and the password checks every phone flow uses. */
export class CustomerService {
  constructor(private readonly deps: ServiceDeps) {}

  async enroll(caller: Caller, input: EnrollInput): Promise<CustomerEntity> {
    requireAdmin(caller);
    const phone = requirePhone(input.phone);
    const customer = Object.assign(new CustomerEntity(), {
      id: newId(),
      phone,
      name: requireText(input.name, "name", 100),
      address: optionalText(input.address, "address", 200),
      passwordHash: await hashPassword(requirePassword(input.password), this.deps.config.passwordHashCost),
      confirmAbove: null,
      failedPasswordAttempts: 0,
      lockedUntil: null,
      createdAt: this.deps.clock.now(),
    });
    try {
      await this.deps.db.tx((m) => m.insert(CustomerEntity, customer));
    } catch (error) {
      if (isUniqueViolation(error)) fail(ErrorCode.BAD_USER_INPUT, "a customer with this phone is already enrolled", { field: "phone" });
      throw error;
    }
    return customer;
  }

  async me(caller: Caller): Promise<CustomerEntity> {
    const { customerId } = requireCustomer(caller);
    return (await this.findById(customerId)) ?? notFound("customer");
  }

  findById(id: string): Promise<CustomerEntity | null> {
    return this.deps.db.read((m) => m.findOneBy(CustomerEntity, { id }));
  }

  findByPhone(phone: string): Promise<CustomerEntity | null> {
    return this.deps.db.read((m) => m.findOneBy(CustomerEntity, { phone }));
  }

  /**
   * Checks a customer's password, counting failures: the fifth wrong answer in a row
   * locks the account for 15 minutes (ACCOUNT_LOCKED, with lockedUntil). The counter
   * moves in one conditional UPDATE, so parallel wrong guesses all count.
   */
  async checkPassword(customer: CustomerEntity, password: string): Promise<void> {
    const now = this.deps.clock.now();
    if (customer.lockedUntil && customer.lockedUntil > now) throw lockedError(customer.lockedUntil);
    if (await verifyPassword(password, customer.passwordHash)) {
      if (customer.failedPasswordAttempts > 0) {
        await this.deps.db.tx((m) => m.update(CustomerEntity, { id: customer.id }, { failedPasswordAttempts: 0 }));
      }
      return;
    }
    const lockUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    const after = await this.deps.db.tx(async (m) => {
      // Both SET expressions read the old counter, on MySQL and SQLite alike.
      await m
        .createQueryBuilder()
        .update(CustomerEntity)
        .set({
          lockedUntil: () => `CASE WHEN failedPasswordAttempts + 1 >= ${MAX_PASSWORD_FAILURES} THEN :lockUntil ELSE lockedUntil END`,
          failedPasswordAttempts: () =>
            `CASE WHEN failedPasswordAttempts + 1 >= ${MAX_PASSWORD_FAILURES} THEN 0 ELSE failedPasswordAttempts + 1 END`,
        })
        .where("id = :id", { id: customer.id })
        .setParameter("lockUntil", lockUntil)
        .execute();
      return m.findOneByOrFail(CustomerEntity, { id: customer.id });
    });
    if (after.lockedUntil && after.lockedUntil > now) throw lockedError(after.lockedUntil);
    fail(ErrorCode.INVALID_PASSWORD, "The password is wrong", {
      attemptsLeft: MAX_PASSWORD_FAILURES - after.failedPasswordAttempts,
    });
  }

  async setConfirmAbove(caller: Caller, amount: number | null): Promise<CustomerEntity> {
    const { customerId } = requireCustomer(caller);
    if (amount !== null && (!Number.isSafeInteger(amount) || amount < 0)) {
      fail(ErrorCode.BAD_USER_INPUT, "amount must be 0 or more, or null for never", { field: "amount" });
    }
    await this.deps.db.tx((m) => m.update(CustomerEntity, { id: customerId }, { confirmAbove: amount }));
    return this.me(caller);
  }
}

const lockedError = (until: Date) =>
  new WalletError(ErrorCode.ACCOUNT_LOCKED, "Too many wrong passwords; the account is locked for now", {
    lockedUntil: until.toISOString(),
  });
