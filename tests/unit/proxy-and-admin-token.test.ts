import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ConfigError, loadConfig } from "../../src/config";
import { addressOf } from "../../src/http/request-listener";
import { MIN_TOKEN_BITS, estimatedBits } from "../../src/token-strength";

/** The ConfigError loadConfig throws for this environment (fails the test when it starts). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(Object.keys(env))}`);
}

/** A request as node:http gives it: from `peer`, with this X-Forwarded-For. */
const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} }) as unknown as IncomingMessage;

describe("TRUST_PROXY", () => {
  it("refuses true, and says why and what to set instead", () => {
    const message = refusal({ TRUST_PROXY: "true" });
    expect(message).toMatch(/TRUST_PROXY: true would trust whatever the client writes/);
    expect(message).toMatch(/number of proxies in front \(1 for one load balancer\)/);
    expect(refusal({ TRUST_PROXY: "TRUE" })).toMatch(/TRUST_PROXY/);
  });

  it("refuses what is neither a number nor addresses, and bad subnets, naming the variable", () => {
    expect(refusal({ TRUST_PROXY: "bogus" })).toMatch(/TRUST_PROXY: invalid IP address: bogus/);
    expect(refusal({ TRUST_PROXY: "10.0.0.0/33" })).toMatch(/TRUST_PROXY: invalid range on address: 10.0.0.0\/33/);
    expect(refusal({ TRUST_PROXY: "10.0.0.0/8, 300.1.1.1" })).toMatch(/TRUST_PROXY: invalid IP address: 300.1.1.1/);
    expect(refusal({ TRUST_PROXY: "-1" })).toMatch(/TRUST_PROXY/);
    expect(refusal({ TRUST_PROXY: " , " })).toMatch(/TRUST_PROXY: empty/);
  });

  it("by default, and with false or 0, takes the socket's address whatever the header says", () => {
    for (const env of [{}, { TRUST_PROXY: "false" }, { TRUST_PROXY: "0" }]) {
      expect(addressOf(request("192.0.2.1", "203.0.113.9"), loadConfig(env).trustProxy)).toBe("192.0.2.1");
    }
  });

  it("with a number of hops, takes the entry that many hops back, never further", () => {
    const header = "6.6.6.6, 203.0.113.9, 10.0.0.2";
    expect(addressOf(request("10.0.0.1", header), loadConfig({ TRUST_PROXY: "1" }).trustProxy)).toBe("10.0.0.2");
    expect(addressOf(request("10.0.0.1", header), loadConfig({ TRUST_PROXY: "2" }).trustProxy)).toBe("203.0.113.9");
    // With no header (a caller that reached the server directly) it is the socket's.
    expect(addressOf(request("10.0.0.1"), loadConfig({ TRUST_PROXY: "2" }).trustProxy)).toBe("10.0.0.1");
  });

  it("with a list, stops at the first hop not in it, and trusts nothing from a stranger's socket", () => {
    const trust = loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8, fd00::/8" }).trustProxy;
    expect(addressOf(request("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.9.9.9"), trust)).toBe("203.0.113.9");
    expect(addressOf(request("::ffff:127.0.0.1", "6.6.6.6, 203.0.113.9"), trust)).toBe("203.0.113.9");
    expect(addressOf(request("198.51.100.4", "6.6.6.6, 10.9.9.9"), trust)).toBe("198.51.100.4");
  });
});

describe("ADMIN_TOKEN", () => {
  it("refuses low-entropy tokens and says how to make a good one, without repeating the token", () => {
    for (const weak of [
      "aaaaaaaaaaaaaaaaaaaaaaaa",
      "a1b2a1b2a1b2a1b2a1b2a1b2", // 24 characters, four distinct
      "abcdefghijklmnopqrstuvwxyz0123456789", // a run up the alphabet
      "test-admin-token-0123456789abcdef",
      "Xk9#mQ2$pL7!wR4@zT6&nB8*", // varied, but 24 characters cannot hold 128 bits here
    ]) {
      const message = refusal({ ADMIN_TOKEN: weak });
      expect(message).toMatch(/ADMIN_TOKEN: too easy to guess/);
      expect(message).toContain("openssl rand -base64 32");
      expect(message).toContain("randomBytes(32).toString('base64url')");
      expect(message).not.toContain(weak);
    }
  });

  it("accepts tokens made as the message says, every time", () => {
    for (let i = 0; i < 2000; i++) {
      for (const token of [randomBytes(32).toString("base64"), randomBytes(32).toString("base64url"), randomBytes(32).toString("hex")]) {
        expect(estimatedBits(token)).toBeGreaterThanOrEqual(MIN_TOKEN_BITS);
      }
    }
    const token = randomBytes(32).toString("base64url");
    expect(loadConfig({ ADMIN_TOKEN: token }).adminToken).toBe(token);
  });

  it("counts repeats and steps of one for nothing, and few distinct characters for little", () => {
    expect(estimatedBits("a".repeat(100))).toBe(0);
    expect(estimatedBits("ab".repeat(50))).toBe(1); // only the first character counts, for 1 bit
    expect(estimatedBits("ac".repeat(50))).toBe(100);
  });
});
