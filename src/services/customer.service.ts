import { CustomerEntity } from "../entities";
import type { Caller, CustomerCaller } from "./caller";
import { hashPassword, verifyPassword } from "./crypto/password";
import { isUniqueViolation } from "../database";
import type { ServiceDeps } from "./deps";
import { ErrorCode, fail, notFound } from "./errors";
import { FREE_FAILURES_PER_SESSION, throttledCheck } from "./guess-throttle";
import { newId } from "./ids";
import { optionalText, requirePassword, requirePhone, requireText } from "./validation";
import { requireAdmin, requireCustomer } from "./guards";

export interface EnrollInput {
  phone: string;
  name: string;
  password: string;
  address?: string | null;
}

/** Customers: enrollment by the back office, and the password asked again inside a session. */
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
   * The password, asked again inside a session the owner holds (codes, card status,
   * confirmations). Guessing here is throttled per session (a lost phone still logged in
   * cannot guess freely), never by the login throttle: nothing a stranger does to this
   * phone number's logins stops the owner here.
   */
  async confirmPassword(session: CustomerCaller, password: string): Promise<void> {
    const { right, failures } = await throttledCheck([[this.deps.rateLimits.guessing.session, session.sessionId]], async () => {
      const customer = (await this.findById(session.customerId)) ?? notFound("customer");
      return verifyPassword(password, customer.passwordHash);
    });
    if (!right) {
      fail(ErrorCode.INVALID_PASSWORD, "The password is wrong", { attemptsLeft: Math.max(0, FREE_FAILURES_PER_SESSION - failures) });
    }
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
