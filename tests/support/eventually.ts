/**
 * The tests' one way to wait: for a condition, never for a fixed time. `check` is polled
 * every `intervalMs` until it holds or `ms` has passed; the answer says whether it held.
 * The bound is generous on purpose: a loaded machine (many workers, a slow disk) makes
 * things late, and a late condition must not read as a broken one.
 */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, intervalMs = 20): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return check();
}
