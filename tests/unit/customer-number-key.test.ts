import { randomBytes } from "node:crypto";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { resolveSecrets } from "../../src/secrets";
import { productionKeys } from "../support/production";
import { ADMIN_TOKEN, LogCapture } from "../support/server";

const newKey = () => randomBytes(32).toString("hex");

describe("CUSTOMER_NUMBER_KEY", () => {
  it("must differ from the other purpose keys, as each of them must", () => {
    const key = newKey();
    expect(() => loadConfig({ CARD_KEY: key, CUSTOMER_NUMBER_KEY: key })).toThrow(/CUSTOMER_NUMBER_KEY: must differ from CARD_KEY/);
    expect(() => loadConfig({ CUSTOMER_NUMBER_KEY: "not a key" })).toThrow(/CUSTOMER_NUMBER_KEY/);
    expect(loadConfig({ CUSTOMER_NUMBER_KEY: key }).customerNumberKey).toBe(key);
  });

  it("unset in production, the start says customer numbers then follow CARD_KEY; set, it says nothing", () => {
    const startWith = (env: Record<string, string>) => {
      const logs = new LogCapture();
      resolveSecrets(loadConfig({ ...productionKeys(), ADMIN_TOKEN, ...env }), createLogger("info", logs), () => undefined);
      return logs.lines.filter((line) => line.includes("CUSTOMER_NUMBER_KEY"));
    };
    expect(startWith({})).toHaveLength(1);
    expect(JSON.parse(startWith({})[0])).toMatchObject({ level: 40 });
    expect(startWith({ CUSTOMER_NUMBER_KEY: newKey() })).toEqual([]);
  });
});
