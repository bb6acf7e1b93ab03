import WebSocket from "ws";
import { ANONYMOUS_SOCKET_LIFETIME_MS, CONNECTION_INIT_WAIT_MS } from "../../src/ws/anonymous-sockets";
import { eventually } from "../support/eventually";
import { RawSocket } from "../support/raw-socket";
import { startTestServer, type TestServer } from "../support/server";
import { newShopper } from "../support/world";

const PROTOCOL = "graphql-transport-ws";

/** A raw graphql-ws socket: resolves with "acked" or the close code. */
function connect(url: string, token: string | null, origin?: string): { socket: WebSocket; outcome: Promise<string | number> } {
  const socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", PROTOCOL, origin ? { origin } : {});
  const outcome = new Promise<string | number>((resolve) => {
    socket.on("open", () =>
      socket.send(JSON.stringify({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} })),
    );
    socket.on("message", (data) => {
      if (JSON.parse(String(data)).type === "connection_ack") resolve("acked");
    });
    socket.on("close", (code) => resolve(code));
    socket.on("unexpected-response", (_req, res) => resolve(`http ${res.statusCode}`));
    socket.on("error", () => undefined);
  });
  return { socket, outcome };
}

describe("graphql-ws connection rules", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", {
      env: { WS_MAX_SOCKETS_PER_CREDENTIAL: "1", WS_KEEPALIVE_MS: "150", WS_ALLOWED_ORIGINS: "https://wallet.example" },
    });
  });
  afterAll(() => server.close());

  it("caps the sockets of one credential, and keep-alive frees the place of a dead one", async () => {
    const { phone } = await newShopper(server.url);
    const first = connect(server.url, phone.token);
    expect(await first.outcome).toBe("acked");

    const second = connect(server.url, phone.token);
    expect(await second.outcome).toBe(4429);

    // The first socket stops reading (a phone that went into a tunnel): it answers no
    // pings, so the server drops it after a missed pong and the place is free again.
    first.socket.pause();
    let third = connect(server.url, phone.token);
    const placeFree = async () => (await third.outcome) === "acked" || ((third = connect(server.url, phone.token)), false);
    expect(await eventually(placeFree, 20_000, 150)).toBe(true);
    third.socket.close();
    first.socket.terminate();
  });

  it("closes a socket without a credential after a few seconds, and one that never sends connection_init; keeps one with a credential", async () => {
    const { phone, phoneNumber } = await newShopper(server.url);
    const anonymous = new RawSocket(server.url);
    const silent = new RawSocket(server.url, { init: false });
    const customer = new RawSocket(server.url, { token: phone.token ?? undefined });
    await Promise.all([anonymous.acked, customer.acked]);

    const neverInitialised = await silent.closed;
    expect(neverInitialised.code).toBe(4408);
    expect(neverInitialised.at - silent.openedAt).toBeGreaterThanOrEqual(CONNECTION_INIT_WAIT_MS - 100);

    const expired = await anonymous.closed;
    expect(expired.code).toBe(4401);
    expect(expired.reason).toMatch(/without a credential/);
    expect(expired.at - anonymous.openedAt).toBeGreaterThanOrEqual(ANONYMOUS_SOCKET_LIFETIME_MS - 100);

    expect(customer.open).toBe(true);
    expect(await customer.run("{ me { phone } }")).toEqual({ data: { me: { phone: phoneNumber } } });
    customer.close();
  });

  it("closes the socket with 4403 for a bad credential", async () => {
    expect(await connect(server.url, "wcs_forged-session-token").outcome).toBe(4403);
  });

  it("refuses browser sockets from an origin not allowed, and takes allowed and non-browser ones", async () => {
    const { phone } = await newShopper(server.url);
    expect(await connect(server.url, phone.token, "https://evil.example").outcome).toMatch(/^http 40[13]$/);
    const allowed = connect(server.url, phone.token, "https://wallet.example");
    expect(await allowed.outcome).toBe("acked");
    allowed.socket.close();
  });

  it("takes sockets from this server's own pages (the web app at /app): their origin is the host asked", async () => {
    const { phone } = await newShopper(server.url);
    const own = connect(server.url, phone.token, server.url);
    expect(await own.outcome).toBe("acked");
    own.socket.close();
    const port = new URL(server.url).port;
    expect(await connect(server.url, phone.token, `http://127.0.0.1:${Number(port) + 1}`).outcome).toMatch(/^http 40[13]$/);
    expect(await connect(server.url, phone.token, `http://127.0.0.1.evil.example:${port}`).outcome).toMatch(/^http 40[13]$/);
  });
});

describe("sockets without a credential, per client address", () => {
  let server: TestServer;
  beforeAll(async () => {
    // The counter is in this server's memory (no REDIS_URL), so other runs on this machine do not share it.
    server = await startTestServer("sqlite", { env: { RATE_ANONYMOUS_SOCKETS_PER_ADDRESS_PER_MIN: "2" } });
  });
  afterAll(() => server.close());

  it("are counted per minute from the moment they connect: the one over the limit is closed with 4429; sockets with a credential are not counted", async () => {
    // Sockets that prove a credential take no place, however many.
    const { phone } = await newShopper(server.url);
    const customers = [1, 2, 3].map(() => connect(server.url, phone.token));
    for (const customer of customers) expect(await customer.outcome).toBe("acked");

    const first = connect(server.url, null);
    expect(await first.outcome).toBe("acked");
    // One that never says anything counts too: it holds a socket as much as the others.
    const silent = new RawSocket(server.url, { init: false });
    await new Promise((resolve) => silent.socket.once("open", resolve));
    // Closing them gives no place back: the limit counts sockets opened per minute.
    first.socket.close();

    const third = new RawSocket(server.url, { init: false });
    const refused = await third.closed;
    expect(refused.code).toBe(4429);
    expect(refused.reason).toMatch(/without a credential/);
    expect(refused.at - third.openedAt).toBeLessThan(CONNECTION_INIT_WAIT_MS);
    silent.socket.close();
    for (const customer of customers) customer.socket.close();
  });
});
