/**
 * Who is calling, as established from the bearer credential (services/auth.service.ts).
 * Services take a Caller and check role and ownership themselves.
 */
export type Role = "PHONE" | "REGISTER" | "GATE" | "PARTNER" | "ADMIN";

export type Caller =
  | { kind: "anonymous"; address: string }
  | { kind: "invalid"; address: string }
  | { kind: "customer"; role: "PHONE"; customerId: string; sessionId: string; address: string }
  | { kind: "register"; role: "REGISTER"; apiKeyId: string; storeId: string; address: string }
  | { kind: "gate"; role: "GATE"; apiKeyId: string; partnerId: string; address: string }
  | { kind: "partner"; role: "PARTNER"; apiKeyId: string; partnerId: string; address: string }
  | { kind: "admin"; role: "ADMIN"; address: string };

export type CustomerCaller = Extract<Caller, { kind: "customer" }>;
export type RegisterCaller = Extract<Caller, { kind: "register" }>;

export const roleOf = (caller: Caller): Role | null => ("role" in caller ? caller.role : null);
