/**
 * Rotating ticket codes, the part both the phone (which makes them, in a browser too)
 * and a gate (which checks them, clients/wire/ticket-code.ts) need: no platform imports.
 */

/** A rotating code: a server-signed credential bound to a device key, plus that key's signature over the current window. */
export const ROTATING_CODE_PREFIX = "T2.";
/** A rotating code changes every this many seconds; a gate takes the current window and its neighbours. */
export const ROTATION_PERIOD_SECONDS = 15;
/** The first line of the text a device signs for one window: no other signature of the key can pass for it. */
export const ROTATION_HEADER = "wallet-center rotating ticket v1";

/** The window an instant falls in. */
export const rotationWindow = (at: Date): number => Math.floor(at.getTime() / 1000 / ROTATION_PERIOD_SECONDS);

/** What the device signs for one window of a credential. */
export const rotationText = (credential: string, window: number): string => `${ROTATION_HEADER}\n${credential}\n${window}`;
