import { loadConfig } from "../../src/config";
import { isPublicAddress, webhookUrlProblem } from "../../src/services/delivery/outbound-address";
import { publicWebAuthn } from "../support/production";

describe("where a caller-given webhook URL may point", () => {
  const refused = [
    "http://127.0.0.1:3306/",
    "http://0.0.0.0/",
    "http://2130706433/", // 127.0.0.1 as one number
    "http://0x7f.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.10/",
    "http://100.64.0.1/",
    "http://[fe80::1]/",
    "http://[fd12:3456::1]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://255.255.255.255/",
    "http://localhost:4000/graphql",
    "http://api.localhost/",
  ];

  it.each(refused)("refuses %s unless private targets are allowed", (url) => {
    expect(webhookUrlProblem(url, false)).toMatch(/public address/);
    expect(webhookUrlProblem(url, true)).toBeNull();
  });

  it("accepts public addresses and names (a name is checked again once resolved, at connect time)", () => {
    for (const url of ["https://hooks.example.com/wallet?x=1", "http://93.184.216.34:8080/", "https://[2606:2800:220:1:248:1893:25c8:1946]/"]) {
      expect(webhookUrlProblem(url, false)).toBeNull();
    }
  });

  it("refuses what is not an http(s) URL, whatever the setting", () => {
    for (const url of ["ftp://example.com/", "not a url", "file:///etc/passwd", "javascript:alert(1)"]) {
      expect(webhookUrlProblem(url, true)).toMatch(/http\(s\) URL/);
    }
  });

  it("judges resolved addresses by the same rule", () => {
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    expect(isPublicAddress("2606:2800:220:1:248:1893:25c8:1946")).toBe(true);
    for (const address of ["127.0.0.1", "::1", "10.0.0.1", "169.254.169.254", "fd00::1", "fe80::1", "0.0.0.0", "::", "224.0.0.251", "::ffff:10.0.0.1", "not an address"]) {
      expect(isPublicAddress(address)).toBe(false);
    }
  });
});

describe("WEBHOOK_ALLOW_PRIVATE_TARGETS", () => {
  it("is off unless set, may be set in development and tests, and production refuses it", () => {
    expect(loadConfig({}).webhookAllowPrivateTargets).toBe(false);
    expect(loadConfig({ ...publicWebAuthn, NODE_ENV: "production" }).webhookAllowPrivateTargets).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }).webhookAllowPrivateTargets).toBe(true);
    expect(loadConfig({ NODE_ENV: "test", WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }).webhookAllowPrivateTargets).toBe(true);
    expect(() => loadConfig({ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" })).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS: .*production/);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "yes" })).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS/);
  });
});
