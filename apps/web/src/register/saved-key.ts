/**
 * The register's API key, kept on this device until someone signs out, so a terminal
 * that restarts opens at once. The key is the store's secret: the register is a store's
 * own device, and "Sign out" forgets it.
 */
const KEY = "wallet-center.register-key";

export const savedKey = (): string | null => {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
};

export const saveKey = (apiKey: string): void => {
  try {
    localStorage.setItem(KEY, apiKey);
  } catch {
    // Storage refused (a private window): the key lasts as long as the page.
  }
};

export const forgetKey = (): void => {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
};
