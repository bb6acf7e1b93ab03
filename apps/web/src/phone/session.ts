import { WalletApiError } from "@clients/common";
import type { DeviceKey } from "@clients/device-key";
import { PhoneClient } from "@clients/phone";
import { saveDeviceKey } from "./device-store";

/**
 * What the phone keeps in localStorage: the session token and the customer's id and name
 * (the id finds the device key in IndexedDB). Nothing else: the password is asked when
 * needed and never kept.
 */
const KEY = "wallet-center.phone-session";

export interface SavedSession {
  token: string;
  customerId: string;
  name: string;
}

export function savedSession(): SavedSession | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as SavedSession | null;
    return saved?.token ? saved : null;
  } catch {
    return null;
  }
}

export const saveSession = (session: SavedSession) => localStorage.setItem(KEY, JSON.stringify(session));
export const clearSession = () => localStorage.removeItem(KEY);

export interface PhoneSession {
  client: PhoneClient;
  customerId: string;
  name: string;
  key: DeviceKey;
}

/**
 * Runs one approval with the device key and saves its counter; after PROOF_REPLAYED
 * (another tab signed with the same key) it moves above the server's last counter and
 * tries once more.
 */
export async function withKey<T>(session: PhoneSession, act: (key: DeviceKey) => Promise<T>): Promise<T> {
  try {
    return await act(session.key);
  } catch (error) {
    if (!(error instanceof WalletApiError && error.code === "PROOF_REPLAYED")) throw error;
    session.key.resync(Number(error.extensions.lastCounter ?? 0));
    return await act(session.key);
  } finally {
    await saveDeviceKey(session.customerId, session.key);
  }
}
