import { CustomerEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import { hashPassword } from "../crypto/password";
import { isUniqueViolation } from "../../database";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, fail, notFound } from "../kernel/errors";
import { newId } from "../kernel/ids";
import { optionalText, requirePassword, requirePhone, requireText } from "../kernel/validation";
import { requireAdmin, requireCustomer } from "../kernel/guards";

export interface EnrollInput {
  phone: string;
  name: string;
  password: string;
  address?: string | null;
}

/** Customers: enrollment by the back office; the password asked again inside a session is password-check.ts's. */
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
      passwordHash: await hashPassword(requirePassword(input.password), this.deps.config.passwordHashCost, caller.address),
      confirmAbove: null,
      createdAt: this.deps.clock.now(),
    });
    try {
      await this.deps.db.tx((tx) => tx.insert(CustomerEntity, customer));
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

  async setConfirmAbove(caller: Caller, amount: number | null): Promise<CustomerEntity> {
    const { customerId } = requireCustomer(caller);
    if (amount !== null && (!Number.isSafeInteger(amount) || amount < 0)) {
      fail(ErrorCode.BAD_USER_INPUT, "amount must be 0 or more, or null for never", { field: "amount" });
    }
    await this.deps.db.tx((tx) => tx.update(CustomerEntity, { id: customerId }, { confirmAbove: amount }));
    return this.me(caller);
  }
}
