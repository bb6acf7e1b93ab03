import { DeviceKey, type DeviceKeyState } from "@clients/device-key";

/**
 * The phone's device key, kept in IndexedDB as WebCrypto keeps it: the private key is a
 * non-extractable CryptoKey, stored as an object that can sign and can never be read out.
 * One key per customer on this browser; the counter is saved after every proof.
 */
const DB = "wallet-center";
const STORE = "device-keys";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export async function loadDeviceKey(customerId: string): Promise<DeviceKey | null> {
  const state = await run<DeviceKeyState | undefined>("readonly", (store) => store.get(customerId));
  return state ? DeviceKey.restore(state) : null;
}

export async function saveDeviceKey(customerId: string, key: DeviceKey): Promise<void> {
  await run("readwrite", (store) => store.put(key.state(), customerId));
}

export async function forgetDeviceKey(customerId: string): Promise<void> {
  await run("readwrite", (store) => store.delete(customerId));
}
