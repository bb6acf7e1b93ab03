import { In } from "typeorm";
import { row, type Tx } from "../../src/database";
import { OutboxMessageEntity, PaymentEntity } from "../../src/entities";
import { EventBus, storeRecipient, type PaymentEvent } from "../../src/services/kernel/events";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { startTestServer, type TestServer } from "../support/server";
import { lockStep } from "../support/lock-step";
import { paymentRow } from "../support/payment-row";

/**
 * What a transaction sends out (outbox messages to deliver, live events to publish)
 * leaves only once it has committed: nothing on a rollback, and once, not twice, when
 * InnoDB rolled an attempt back as a deadlock victim and Db.tx ran it again.
 */
describe.each(engines)("what a transaction sends after its commit (%s)", (engine) => {
  let server: TestServer;
  const bus = new EventBus();
  const heard: PaymentEvent[] = [];
  const delivered: string[] = [];
  let listening: AsyncIterator<PaymentEvent>;

  beforeAll(async () => {
    server = await startTestServer(engine);
    server.app.services.outbox.register("test.after", async (payload) => {
      delivered.push(String(payload.name));
    });
    listening = bus.paymentUpdates(storeRecipient("store-after"))[Symbol.asyncIterator]();
    void (async () => {
      for (;;) {
        const next = await listening.next();
        if (next.done) return;
        heard.push(next.value);
      }
    })();
  });
  afterAll(async () => {
    await listening.return?.();
    await server.close();
  });

  const payment = (id: string): PaymentEntity =>
    paymentRow(id, { storeId: "store-after", storeName: "After Store", customerId: "customer-after", cardId: "card-after" });

  /** A transaction's way out: a message for the outbox and an event for the store's registers. */
  function sendBoth(tx: Tx, name: string, paid: PaymentEntity): void {
    server.app.services.outbox.send(tx, "test.after", { name });
    tx.afterCommit(() => bus.paymentChanged(Object.assign(paid, { reference: name })));
  }

  /**
   * Everything sent so far has arrived: the outbox is drained, and a marker published now
   * has been heard, so any event published before it was heard too (the bus keeps order).
   */
  let markers = 0;
  async function settled(): Promise<void> {
    await server.app.services.outbox.drain();
    const marker = `marker-${++markers}`;
    bus.paymentChanged(Object.assign(payment(`p-${marker}`), { reference: marker }));
    expect(await eventually(() => heard.some((e) => e.reference === marker))).toBe(true);
  }

  const messagesNamed = (...names: string[]) =>
    server.app.dataSource.manager.find(OutboxMessageEntity, { where: { topic: "test.after" } }).then((rows) => rows.filter((r) => names.includes(String(r.payload.name))));

  it("sends both once the transaction commits", async () => {
    await server.app.db.tx(async (tx) => {
      const paid = payment("p-after-sent");
      await tx.add(PaymentEntity, paid);
      sendBoth(tx, "committed", paid);
      // Nothing has left yet.
      expect(delivered).not.toContain("committed");
    });
    await settled();
    expect(delivered.filter((n) => n === "committed")).toHaveLength(1);
    expect(heard.filter((e) => e.reference === "committed")).toHaveLength(1);
    expect(await messagesNamed("committed")).toHaveLength(1);
  });

  it("sends nothing when the work throws, nor when the commit itself fails", async () => {
    const thrown = await server.app.db
      .tx(async (tx) => {
        const paid = payment("p-after-thrown");
        await tx.add(PaymentEntity, paid);
        sendBoth(tx, "thrown", paid);
        throw new Error("changed my mind");
      })
      .catch((e: Error) => e.message);
    expect(thrown).toBe("changed my mind");
    // The last write at commit is a duplicate: the COMMIT never happens.
    const failed = await server.app.db
      .tx(async (tx) => {
        const paid = payment("p-after-failed");
        sendBoth(tx, "failed", paid);
        tx.atCommit(row(PaymentEntity, paid));
        tx.atCommit(row(PaymentEntity, payment("p-after-sent")));
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(failed).not.toBeNull();
    await settled();
    expect(delivered.filter((n) => n === "thrown" || n === "failed")).toEqual([]);
    expect(heard.filter((e) => e.reference === "thrown" || e.reference === "failed")).toEqual([]);
    expect(await messagesNamed("thrown", "failed")).toEqual([]);
    expect(await server.app.dataSource.manager.countBy(PaymentEntity, { id: In(["p-after-thrown", "p-after-failed"]) })).toBe(0);
  });

  // Only InnoDB has row locks to deadlock on; SQLite runs transactions one at a time.
  if (engine === "mysql")
    it("sends once for a transaction run again after InnoDB chose it as a deadlock victim", async () => {
      const { db } = server.app;
      await db.tx(async (tx) => {
        await tx.add(PaymentEntity, payment("p-cross-a"));
        await tx.add(PaymentEntity, payment("p-cross-b"));
      });
      const bothHoldOne = lockStep();
      let attempts = 0;
      // Two transactions lock the same two rows in opposite orders: InnoDB rolls one back.
      const crossing = (name: string, first: string, second: string) =>
        db.tx(async (tx) => {
          attempts++;
          const paid = payment(first);
          sendBoth(tx, name, paid);
          await tx.write("UPDATE payments SET approvalNumber = ? WHERE id = ?", [name.slice(-6), first]);
          await bothHoldOne();
          await tx.write("UPDATE payments SET approvalNumber = ? WHERE id = ?", [name.slice(-6), second]);
        });
      await Promise.all([crossing("cross-1", "p-cross-a", "p-cross-b"), crossing("cross-2", "p-cross-b", "p-cross-a")]);
      expect(attempts).toBe(3); // one of them ran twice
      await settled();
      for (const name of ["cross-1", "cross-2"]) {
        expect(delivered.filter((n) => n === name)).toHaveLength(1);
        expect(heard.filter((e) => e.reference === name)).toHaveLength(1);
      }
      expect(await messagesNamed("cross-1", "cross-2")).toHaveLength(2);
    });
});
