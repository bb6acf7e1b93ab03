import { badInput } from "./errors";

/** Small input rules shared by several services. Each throws BAD_USER_INPUT. */

const E164 = /^\+[1-9]\d{6,14}$/;

export function requirePhone(phone: string, field = "phone"): string {
  const normalized = phone.replace(/[\s-]/g, "");
  if (!E164.test(normalized)) badInput(`${field} must be in E.164 form, e.g. +819012345678`, { field });
  return normalized;
}

export function requireText(value: string, field: string, max: number, min = 1): string {
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    badInput(`${field} must be ${min} to ${max} characters`, { field });
  }
  return trimmed;
}

export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  return requireText(value, field, max);
}

export function requireCurrency(currency: string, field = "currency"): string {
  if (!/^[A-Z]{3}$/.test(currency)) badInput(`${field} must be an ISO 4217 code such as JPY`, { field });
  return currency;
}

export function requirePositiveAmount(amount: number, field = "amount"): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    badInput(`${field} must be a positive whole number of minor units`, { field });
  }
  return amount;
}

export function requirePassword(password: string): string {
  if (password.length < 8 || password.length > 128) {
    badInput("password must be 8 to 128 characters", { field: "password" });
  }
  return password;
}
