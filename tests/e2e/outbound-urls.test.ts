import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { OutboxMessageEntity, PartnerEntity } from "../../src/entities";
import { WEBHOOK_TOPIC } from "../../src/services/delivery/webhooks";
import { engines } from "../support/databases";
import { productionKeys } from "../support/production";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

const DAY = 86_400_000;

/** A partner with a webhook URL and a bill collected: one webhook for it, delivered by `drain`. */
async function hookedPartner(server: TestServer, webhookUrl: string, reference: string) {
  const admin = new AdminClient(server.url, ADMIN_TOKEN);
  const partner = await admin.createPartner("Tokyo Water", webhookUrl);
  return {
    id: partner.id,
    /** Collects a bill of the partner's at a store, then lets the outbox try its webhook once. */
    async collectAndDeliver(): Promise<OutboxMessageEntity> {
      const client = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
      const shopper = await newShopper(server.url);
      const { register } = await newRegister(server.url);
      const bill = await client.postBill({ customerPhone: shopper.phoneNumber, reference, amount: 1_100, currency: "JPY", dueDate: new Date(Date.now() + 30 * DAY).toISOString() });
      await register.collectBill((await shopper.phone.issueBillCode(bill.id, PASSWORD)).code, "CASH", `${reference}-collect`);
      await server.app.services.outbox.drain();
      const [row] = await server.app.dataSource.manager.findBy(OutboxMessageEntity, { topic: WEBHOOK_TOPIC, destination: `partner:${partner.id}` });
      return row;
    },
  };
}

/** Something listening that is not HTTP (a database's port, say): it greets and hangs up. */
async function notHttp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined).on("close", () => sockets.delete(socket));
    socket.end("J\0\0\0\n5.5.5-10.11.6-MariaDB\0");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(engines)("webhook URLs in production never reach the private network (%s)", (engine) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.up();
    server = await startTestServer(engine, { env: { ...productionKeys(), OUTBOX_POLL_MS: "3600000" } });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("refuses loopback, private, link-local, unique-local, multicast and unspecified targets at creation", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const own = new URL(server.url);
    for (const url of [
      "http://127.0.0.1:3306/",
      "http://0.0.0.0/",
      "http://2130706433/",
      "http://[::1]/",
      "http://169.254.169.254/latest/meta-data/",
      "http://192.168.0.10/",
      "http://[fd00::1]/",
      "http://224.0.0.1/",
      `http://localhost:${own.port}/graphql`,
      `${server.url}/graphql`,
    ]) {
      await expect(admin.createPartner("Sneaky", url)).rejects.toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "webhookUrl" } });
      expect(await errorCodeOf(admin.createStore("Sneaky Mart", "JPY", undefined, { webhookUrl: url }))).toBe("BAD_USER_INPUT");
    }
    expect((await admin.createPartner("Public Utility", "https://hooks.example.com/wallet")).webhookSecret).toBeTruthy();
  });

  it("refuses them again at connect time, after DNS resolution, and says so without the URL", async () => {
    // The URL was public when given; the name now resolves to loopback (DNS rebinding),
    // or the row holds a literal private address.
    for (const [n, target] of [`http://localhost:${new URL(receiver.url).port}/hooks/tok_5ecret`, receiver.url].entries()) {
      const partner = await hookedPartner(server, "https://hooks.example.com/wallet", `SSRF-${n}`);
      await server.app.dataSource.manager.update(PartnerEntity, { id: partner.id }, { webhookUrl: target });
      const row = await partner.collectAndDeliver();
      expect(row).toMatchObject({ attempts: 1, deliveredAt: null, lastError: "Error: webhook receiver's address is not public" });
    }
    expect(receiver.attempts).toHaveLength(0);
    expect(server.logs.text).not.toContain("5ecret");
  });
});

describe.each(engines)("a failed webhook's stored error (%s)", (engine) => {
  let server: TestServer;
  let other: Awaited<ReturnType<typeof notHttp>>;
  beforeAll(async () => {
    other = await notHttp();
    // The test server allows private targets (WEBHOOK_ALLOW_PRIVATE_TARGETS): its receivers are on 127.0.0.1.
    server = await startTestServer(engine, { env: { OUTBOX_POLL_MS: "3600000" } });
  });
  afterAll(async () => {
    await server.close();
    await other.close();
  });

  it("reads the same for a closed port and a port that speaks another protocol", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const speaking = await (await hookedPartner(server, `http://127.0.0.1:${other.port}/`, "PROTO-1")).collectAndDeliver();
    const silent = await (await hookedPartner(server, `http://127.0.0.1:${closed}/`, "PROTO-2")).collectAndDeliver();
    expect(speaking.lastError).toBe("Error: webhook receiver not reached");
    expect(silent.lastError).toBe("Error: webhook receiver not reached");
  });
});
