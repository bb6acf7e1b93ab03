import { CustomerEntity } from "../../entities";
import type { CustomerCaller } from "../kernel/caller";
import { verifyPassword } from "../crypto/password";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, fail, notFound } from "../kernel/errors";
import { FREE_FAILURES_PER_SESSION, throttledCheck } from "../kernel/guess-throttle";

/**
 * The password, asked again inside a session the owner holds (codes, card status,
 * confirmations): INVALID_PASSWORD with the free attempts left. Guessing here is
 * throttled per session (a lost phone still logged in cannot guess freely), never by the
 * login throttle: nothing a stranger does to this phone number's logins stops the owner here.
 */
export async function confirmPassword(deps: Pick<ServiceDeps, "db" | "rateLimits">, session: CustomerCaller, password: string): Promise<void> {
  const { right, failures } = await throttledCheck([[deps.rateLimits.guessing.session, session.sessionId]], async () => {
    const customer = (await deps.db.read((m) => m.findOneBy(CustomerEntity, { id: session.customerId }))) ?? notFound("customer");
    return verifyPassword(password, customer.passwordHash, session.address);
  });
  if (!right) {
    fail(ErrorCode.INVALID_PASSWORD, "The password is wrong", { attemptsLeft: Math.max(0, FREE_FAILURES_PER_SESSION - failures) });
  }
}
