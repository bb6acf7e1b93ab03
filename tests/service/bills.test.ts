import { ManualClock } from "../../src/clock";
import type { PostBillInput } from "../../src/services/bills/bill.service";
import type { BillStatus } from "../../src/entities/value-lists";
import { BILL_MOVES } from "../../src/services/bills/bill-states";
import { byId } from "../../src/services/kernel/status-table";
import { engines } from "../support/databases";
import { listen, login, newCustomer, newPartner, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf, randomPhone } from "../support/test-data";

const DAY = 86_400_000;

describe.each(engines)("bills: payability, idempotency and collection (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-11-24T10:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
  });
  afterAll(() => world.close());

  const dueIn = (days: number) => new Date(clock.now().getTime() + days * DAY);

  async function biller() {
    const { partner, hq } = await newPartner(world, "Tokyo Power & Gas");
    const post = (input: Omit<PostBillInput, "currency"> & { currency?: string }) => world.services.bills.postBill(hq, { currency: "JPY", ...input });
    return { partner, hq, post };
  }

  const codeFor = async (customer: Customer, billId: string) => (await world.services.bills.issueBillCode(customer.caller, billId, PASSWORD)).code;

  it("lists by status, makes a code that ends by the due date, and collects once; the biller hears the receipt", async () => {
    const { hq, post } = await biller();
    const shopper = await newCustomer(world);
    const { register } = await newStore(world, { name: "FamilyMart Meguro" });
    const bill = await post({ customerPhone: shopper.phoneNumber, reference: "INV-2026-0001", amount: 8_640, dueDate: dueIn(10), description: "Electricity, October" });
    expect(bill).toMatchObject({ status: "OPEN", billerName: "Tokyo Power & Gas", paidAt: null });
    const ids = async (status: "OPEN" | "PAID" | null) => (await world.services.bills.bills(shopper.caller, status)).map((b) => b.id);
    expect(await ids(null)).toEqual([bill.id]);
    expect(await ids("OPEN")).toEqual([bill.id]);
    expect(await ids("PAID")).toEqual([]);

    const issued = await world.services.bills.issueBillCode(shopper.caller, bill.id, PASSWORD);
    expect(issued.code).toMatch(/^\d{20}$/);
    expect(issued.expiresAt.getTime()).toBeLessThanOrEqual(bill.dueDate.getTime());
    expect(await world.services.lookup.lookupCode(register, issued.code)).toMatchObject({
      kind: "BILL",
      bill: { reference: "INV-2026-0001", amount: 8_640, billerName: "Tokyo Power & Gas" },
    });

    const receipts = listen(world.services.live.billReceipts(hq));
    try {
      const paid = await world.services.bills.collectBill(register, issued.code, "CASH", "collect-1");
      expect(paid).toMatchObject({ id: bill.id, status: "PAID", paidAtStore: "FamilyMart Meguro" });
      expect(paid.paidAt).not.toBeNull();
      expect(await world.services.bills.collectBill(register, issued.code, "CASH", "collect-1")).toMatchObject({ id: bill.id, status: "PAID" });
      await receipts.settled();
      expect(receipts.received).toEqual([expect.objectContaining({ id: bill.id, status: "PAID", paidAtStore: "FamilyMart Meguro" })]);
    } finally {
      await receipts.close();
    }
    expect((await world.services.bills.bills(hq, "PAID")).map((b) => b.id)).toEqual([bill.id]);
    expect(await ids("PAID")).toEqual([bill.id]);
  });

  it("is idempotent on the reference, and refuses other content under it", async () => {
    const { hq, post } = await biller();
    const input = { customerPhone: randomPhone(), reference: "ORD-77", amount: 1_500, dueDate: dueIn(3) };
    const first = await post(input);
    expect((await post(input)).id).toBe(first.id);
    expect(await errorCodeOf(post({ ...input, amount: 1_501 }))).toBe("IDEMPOTENCY_CONFLICT");
    expect(await errorCodeOf(post({ ...input, reference: "ORD-78", customerPhone: "090-1234" }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(post({ ...input, reference: "ORD-79", amount: -5 }))).toBe("BAD_USER_INPUT");
    expect((await world.services.bills.bills(hq, null)).map((b) => b.reference)).toEqual(["ORD-77"]);
  });

  it("filters a list by what readers see: a bill a card payment holds is OPEN until its due date and OVERDUE from it on", async () => {
    const { hq, post } = await biller();
    const shopper = await newCustomer(world);
    const { register } = await newStore(world, { name: "FamilyMart Shibuya" });
    const postDue = (reference: string, days: number) => post({ customerPhone: shopper.phoneNumber, reference, amount: 700, dueDate: dueIn(days) });
    const open = await postDue("F-OPEN", 3);
    const held = await postDue("F-HELD", 1);
    const paid = await postDue("F-PAID", 3);
    const cancelled = await postDue("F-CANCELLED", 3);
    await world.services.bills.collectBill(register, await codeFor(shopper, paid.id), "CASH", "f-paid");
    await world.services.bills.cancelBill(hq, "F-CANCELLED");
    const hold = BILL_MOVES.update("hold", byId(held.id), { now: clock.now(), paymentId: "a-card-payment" });
    expect(await world.deps.db.write(hold.sql, hold.params)).toBe(1);
    const listed = async (status: BillStatus) => (await world.services.bills.bills(shopper.caller, status)).map((b) => b.id).sort();
    expect(await listed("OPEN")).toEqual([open.id, held.id].sort());
    expect(await listed("OVERDUE")).toEqual([]);
    expect(await listed("PAID")).toEqual([paid.id]);
    expect(await listed("CANCELLED")).toEqual([cancelled.id]);
    clock.advance(2 * DAY);
    expect(await listed("OPEN")).toEqual([open.id]);
    expect(await listed("OVERDUE")).toEqual([held.id]);
  });

  it("will not collect a cancelled, overdue or already paid bill", async () => {
    const { hq, post } = await biller();
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const postDue = (reference: string, days: number) => post({ customerPhone: shopper.phoneNumber, reference, amount: 500, dueDate: dueIn(days) });
    const collect = (code: string, key: string) => world.services.bills.collectBill(register, code, "CASH", key);

    const cancelled = await postDue("C-1", 5);
    const cancelCode = await codeFor(shopper, cancelled.id);
    expect((await world.services.bills.cancelBill(hq, "C-1")).status).toBe("CANCELLED");
    expect((await world.services.bills.cancelBill(hq, "C-1")).status).toBe("CANCELLED");
    expect(await errorCodeOf(collect(cancelCode, "c-1"))).toBe("BILL_NOT_PAYABLE");
    expect(await errorCodeOf(codeFor(shopper, cancelled.id))).toBe("BILL_NOT_PAYABLE");

    const late = await postDue("L-1", 1);
    const lateCode = await codeFor(shopper, late.id);
    clock.advance(2 * DAY);
    expect((await world.services.bills.bills(shopper.caller, "OVERDUE")).map((b) => b.id)).toEqual([late.id]);
    expect(await errorCodeOf(world.services.lookup.lookupCode(register, lateCode))).toBe("CODE_EXPIRED");
    expect(await errorCodeOf(codeFor(shopper, late.id))).toBe("BILL_NOT_PAYABLE");

    const paid = await postDue("P-1", 5);
    await collect(await codeFor(shopper, paid.id), "p-1");
    expect(await errorCodeOf(codeFor(shopper, paid.id))).toBe("BILL_NOT_PAYABLE");
    expect(await errorCodeOf(world.services.bills.cancelBill(hq, "P-1"))).toBe("BILL_NOT_PAYABLE");
  });

  it("pays a bill once when two registers collect it at the same instant", async () => {
    const { post } = await biller();
    const shopper = await newCustomer(world);
    const a = await newStore(world, { name: "Store A" });
    const b = await newStore(world, { name: "Store B" });
    const bill = await post({ customerPhone: shopper.phoneNumber, reference: "RACE-1", amount: 990, dueDate: dueIn(5) });
    const codes = await Promise.all([1, 2, 3].map(() => codeFor(shopper, bill.id)));
    const attempts = codes.flatMap((code, i) => [
      world.services.bills.collectBill(a.register, code, "CASH", `race-a-${i}`),
      world.services.bills.collectBill(b.register, code, "CASH", `race-b-${i}`),
    ]);
    const outcomes = await Promise.all(attempts.map((p) => p.then(() => "PAID", (e: { code?: string }) => e.code ?? "NO_CODE")));
    expect(outcomes.filter((o) => o === "PAID")).toHaveLength(1);
    expect(outcomes.every((o) => ["PAID", "BILL_NOT_PAYABLE", "CODE_ALREADY_USED"].includes(o))).toBe(true);
  });

  it("shows a bill posted before the customer enrolled once they do", async () => {
    const { post } = await biller();
    const phoneNumber = randomPhone();
    const bill = await post({ customerPhone: phoneNumber, reference: "EARLY-1", amount: 300, dueDate: dueIn(7) });
    await world.services.customers.enroll(world.admin, { phone: phoneNumber, name: "Late Comer", password: PASSWORD });
    const phone = await login(world, phoneNumber);
    expect((await world.services.bills.bills(phone, null)).map((b) => b.id)).toEqual([bill.id]);
  });
});
