import { offsetSpans } from "../../src/migrations/1766500000000-store-day-sums";

const at = (iso: string) => new Date(iso);
const shape = (zone: string, first: string, last: string) =>
  offsetSpans(at(first), at(last), zone).map((part) =>
    "day" in part ? { day: part.day, hours: (part.to.getTime() - part.from.getTime()) / 3_600_000 } : { from: part.from.toISOString(), to: part.to.toISOString(), offset: part.offsetMinutes },
  );

describe("the migration's spans of local days on one UTC offset", () => {
  it("sums a zone that keeps its offset in one span, from its first local midnight to the day after its last", () => {
    // 2027-01-01 00:30 UTC is already 06:15 on the 1st in Kathmandu; 2027-12-31 20:00 UTC is 01:45 on 1 January 2028.
    expect(shape("Asia/Kathmandu", "2027-01-01T00:30:00Z", "2027-12-31T20:00:00Z")).toEqual([{ from: "2026-12-31T18:15:00.000Z", to: "2028-01-01T18:15:00.000Z", offset: 345 }]);
  });

  it("cuts a daylight-saving zone at each day its offset changes, which goes alone", () => {
    expect(shape("America/New_York", "2027-03-01T12:00:00Z", "2027-12-31T12:00:00Z")).toEqual([
      { from: "2027-03-01T05:00:00.000Z", to: "2027-03-14T05:00:00.000Z", offset: -300 },
      { day: "2027-03-14", hours: 23 },
      { from: "2027-03-15T04:00:00.000Z", to: "2027-11-07T04:00:00.000Z", offset: -240 },
      { day: "2027-11-07", hours: 25 },
      { from: "2027-11-08T05:00:00.000Z", to: "2028-01-01T05:00:00.000Z", offset: -300 },
    ]);
  });

  it("gives a single day's rows one span", () => {
    expect(shape("UTC", "2027-05-05T01:00:00Z", "2027-05-05T02:00:00Z")).toEqual([{ from: "2027-05-05T00:00:00.000Z", to: "2027-05-06T00:00:00.000Z", offset: 0 }]);
  });
});
