import { addDays, dayIn, paymentsOfDay, startOfDayIn, type PaymentPages } from "../../apps/web/src/register/store-day";

/** A store's history as the server pages it: newest first, `first` at a time, with a cursor. */
function history(createdAt: string[]): PaymentPages<{ id: number; createdAt: string }> & { pagesRead: number } {
  const rows = createdAt.map((at, id) => ({ id, createdAt: at }));
  return {
    pagesRead: 0,
    async payments(first, after) {
      this.pagesRead++;
      const start = after === null ? 0 : Number(after);
      const nodes = rows.slice(start, start + first);
      return { nodes, nextCursor: start + first < rows.length ? String(start + first) : null };
    },
  };
}

/**
 * The register's Today lists the store's payments of today only, today being the
 * store's calendar day in its own time zone (as storeReport counts it), and reads no
 * more of the history than it needs.
 */
describe("the register's payments of the day", () => {
  it("counts the day in the store's time zone", () => {
    // 23:30 UTC on 24 November is already the 25th in Tokyo and still the 24th in New York.
    expect(dayIn("Asia/Tokyo", "2026-11-24T23:30:00Z")).toBe("2026-11-25");
    expect(dayIn("America/New_York", "2026-11-24T23:30:00Z")).toBe("2026-11-24");
  });

  it("keeps the day's payments and stops at the first of an earlier day", async () => {
    const times = [
      "2026-11-25T10:00:00Z", // the 25th in Tokyo
      "2026-11-24T16:00:00Z", // 01:00 on the 25th in Tokyo
      "2026-11-24T14:30:00Z", // 23:30 on the 24th in Tokyo: yesterday
      ...Array.from({ length: 200 }, () => "2026-11-20T00:00:00Z"),
    ];
    const store = history(times);
    const { payments, more } = await paymentsOfDay(store, "Asia/Tokyo", "2026-11-25");
    expect(payments.map((p) => p.id)).toEqual([0, 1]);
    expect(more).toBe(false);
    expect(store.pagesRead).toBe(1);
  });

  it("reads page after page for a busy day, and says when it stopped short", async () => {
    const busy = history(Array.from({ length: 120 }, () => "2026-11-25T03:00:00Z").concat(["2026-11-24T03:00:00Z"]));
    expect((await paymentsOfDay(busy, "UTC", "2026-11-25")).payments).toHaveLength(120);
    expect(busy.pagesRead).toBe(3);
    const huge = history(Array.from({ length: 700 }, () => "2026-11-25T03:00:00Z"));
    const listed = await paymentsOfDay(huge, "UTC", "2026-11-25");
    expect(listed.more).toBe(true);
    expect(listed.payments.length).toBeGreaterThanOrEqual(500);
    const empty = history([]);
    expect(await paymentsOfDay(empty, "UTC", "2026-11-25")).toEqual({ payments: [], more: false });
  });
});

/** The register's Search counts the store's days as the server does: from its midnight, whatever the browser's zone. */
describe("a store's day as instants, for a search", () => {
  it("begins at the store's midnight", () => {
    expect(startOfDayIn("Asia/Tokyo", "2026-11-25").toISOString()).toBe("2026-11-24T15:00:00.000Z");
    expect(startOfDayIn("UTC", "2026-11-25").toISOString()).toBe("2026-11-25T00:00:00.000Z");
    expect(startOfDayIn("America/New_York", "2026-11-25").toISOString()).toBe("2026-11-25T05:00:00.000Z");
  });

  it("follows a daylight-saving change: a day of 23 or 25 hours", () => {
    // New York springs forward on 8 March 2026 and falls back on 1 November 2026.
    expect(startOfDayIn("America/New_York", "2026-03-08").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDayIn("America/New_York", "2026-03-09").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(startOfDayIn("America/New_York", "2026-11-01").toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(startOfDayIn("America/New_York", "2026-11-02").toISOString()).toBe("2026-11-02T05:00:00.000Z");
  });

  it("counts calendar days across months and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-11-25", -6)).toBe("2026-11-19");
  });
});
