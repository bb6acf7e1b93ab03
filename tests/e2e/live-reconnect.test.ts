import { PhoneClient } from "../../clients/phone";
import { SocketClosedError } from "../../clients/live";
import { freePort, spawnServer, type ServerProcess } from "../../scripts/server-process";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

/** Short waits, so a reconnection happens within a test's time. */
const QUICK = { reconnect: { initialDelayMs: 100, maxDelayMs: 400 } };

/**
 * A phone's live feed over a network blip: the server process is killed (SIGKILL, so the
 * socket drops without a close frame) and another one started on the same port and
 * database; the feed reconnects by itself, subscribes again, and the same iterator yields
 * the next event. A credential that ends closes the socket with 4403 instead: the feed
 * ends with that error and does not reconnect.
 */
describe("live feeds across a dropped socket", () => {
  let database: TestDatabase;
  let port: number;
  const servers: ServerProcess[] = [];
  const env = () => ({ DATA_DIR: database.dataDir, ADMIN_TOKEN, PASSWORD_HASH_COST: "10", LOG_LEVEL: "warn", PORT: String(port) });

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    port = await freePort();
    servers.push(await spawnServer(env()));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
  });

  it("reconnects after the server is killed and restarted, and the same iterator carries on", async () => {
    const url = servers[0].url;
    const shopper = await newShopper(url);
    await shopper.phone.setConfirmAbove(0);
    const { register } = await newRegister(url);
    const phone = new PhoneClient(url, shopper.phone.token!, QUICK);
    const feed = phone.confirmationRequests();
    const requests = feed[Symbol.asyncIterator]();
    try {
      await feed.ready;
      const sell = async (key: string) => {
        const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
        return register.redeemCode(code, { amount: 500, currency: "JPY" }, key);
      };
      const before = await sell("blip-1");
      expect((await requests.next()).value.payment.id).toBe(before.id);

      const killed = servers.shift()!;
      killed.process.kill("SIGKILL");
      await killed.stop();
      expect(await eventually(() => phone.live.closeCode !== null)).toBe(true); // the client sees the socket drop
      expect(phone.live.closeCode).toBe(1006); // no close frame: the connection just went
      servers.push(await spawnServer(env()));
      expect(await eventually(() => phone.live.connections === 2)).toBe(true); // it reconnects
      await phone.live.roundTrip(); // the subscription, sent again on connecting, is in place

      const after = await sell("blip-2");
      const next = await requests.next();
      expect(next.done).toBe(false);
      expect(next.value.payment).toMatchObject({ id: after.id, status: "PENDING_CONFIRMATION" });
    } finally {
      await requests.return!();
      await phone.live.close();
    }
  });

  it("ends the feed with the 4403 close when the phone logs out, and does not reconnect", async () => {
    const shopper = await newShopper(servers[0].url);
    const phone = new PhoneClient(servers[0].url, shopper.phone.token!, QUICK);
    const feed = phone.confirmationRequests();
    await feed.ready;
    const reading = (async () => {
      for await (const request of feed) throw new Error(`an event came: ${request.id}`);
      return "ended without an error";
    })();
    await phone.logout();
    const error = await reading.then(
      (ended) => ended,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(SocketClosedError);
    expect(error).toMatchObject({ closeCode: 4403 });
    // With waits of 100-400 ms, a client that retried would have reconnected by now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(phone.live.connections).toBe(1);
    await phone.live.close();
  });
});
