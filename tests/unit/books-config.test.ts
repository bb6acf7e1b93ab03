import { loadConfig } from "../../src/config";
import { publicWebAuthn } from "../support/production";

describe("the books' settings", () => {
  it("default to receipts on, a copy at most a minute, bodies kept ten years", () => {
    const config = loadConfig({});
    expect({ receipts: config.receipts, booksCopyMs: config.booksCopyMs, receiptRetentionDays: config.receiptRetentionDays }).toEqual({
      receipts: true,
      booksCopyMs: 60_000,
      receiptRetentionDays: 3650,
    });
    expect(loadConfig({ BOOKS_COPY_MS: "500", RECEIPT_RETENTION_DAYS: "30" })).toMatchObject({ booksCopyMs: 500, receiptRetentionDays: 30 });
    expect(() => loadConfig({ RECEIPT_RETENTION_DAYS: "0" })).toThrow(/RECEIPT_RETENTION_DAYS/);
  });

  it("refuse RECEIPTS=off in production except on the bench's own server (BENCH=1)", () => {
    expect(loadConfig({ RECEIPTS: "off" }).receipts).toBe(false);
    expect(() => loadConfig({ NODE_ENV: "production", ...publicWebAuthn, RECEIPTS: "off" })).toThrow(/RECEIPTS: .*production/);
    expect(loadConfig({ NODE_ENV: "production", ...publicWebAuthn, RECEIPTS: "off", BENCH: "1" }).receipts).toBe(false);
    expect(() => loadConfig({ RECEIPTS: "no" })).toThrow(/RECEIPTS/);
  });
});
