import { ConfigError, loadConfig } from "../../src/config";

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig({ NODE_ENV: "production", ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return String(error);
  }
  throw new Error("the configuration was accepted");
};

describe("WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS in production", () => {
  it("refuses both left at their localhost defaults, naming each setting", () => {
    const message = refusal({});
    expect(message).toMatch(/WEBAUTHN_RP_ID: must be set in production .*not localhost/);
    expect(message).toMatch(/WEBAUTHN_ORIGINS: must be set in production/);
  });

  it("refuses a loopback relying party, and origins that are loopback or not https", () => {
    expect(refusal({ WEBAUTHN_RP_ID: "localhost", WEBAUTHN_ORIGINS: "https://wallet.example.com" })).toMatch(/WEBAUTHN_RP_ID/);
    expect(refusal({ WEBAUTHN_RP_ID: "127.0.0.1", WEBAUTHN_ORIGINS: "https://wallet.example.com" })).toMatch(/WEBAUTHN_RP_ID/);
    for (const origins of ["http://localhost:4000", "https://wallet.example.com,http://wallet.example.com", "https://127.0.0.1", "https://[::1]:8443", "wallet.example.com"]) {
      const message = refusal({ WEBAUTHN_RP_ID: "wallet.example.com", WEBAUTHN_ORIGINS: origins });
      expect(message).toMatch(/WEBAUTHN_ORIGINS: must list https:\/\/ origins/);
      expect(message).not.toMatch(/WEBAUTHN_RP_ID/);
    }
  });

  it("starts with a public domain and its https origins", () => {
    const config = loadConfig({ NODE_ENV: "production", WEBAUTHN_RP_ID: "wallet.example.com", WEBAUTHN_ORIGINS: "https://wallet.example.com, https://pay.wallet.example.com" });
    expect(config.webAuthn).toMatchObject({ rpId: "wallet.example.com", origins: ["https://wallet.example.com", "https://pay.wallet.example.com"] });
  });

  it("keeps the localhost defaults outside production", () => {
    for (const NODE_ENV of ["development", "test"]) {
      expect(loadConfig({ NODE_ENV, PORT: "4100" }).webAuthn).toMatchObject({ rpId: "localhost", origins: ["http://localhost:4100"] });
    }
  });
});
