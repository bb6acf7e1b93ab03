import { randomInt } from "node:crypto";
import WebSocket from "ws";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { randomPhone } from "../support/world";

const LOGIN = "mutation ($phone: String!, $password: String!) { login(phone: $phone, password: $password) { token } }";
const PER_ADDRESS = 3;

/** An address nobody else's test uses (198.18.0.0/15 is for benchmarks, never routed). */
const randomAddress = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;

/**
 * A login for a phone nobody has (a new one each time, so only the per-address bucket
 * can refuse it), sent with this X-Forwarded-For; the error code it got.
 */
async function loginOverHttp(server: TestServer, forwardedFor: string): Promise<string> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ query: LOGIN, variables: { phone: randomPhone(), password: "not-the-password" } }),
  });
  const { errors } = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
  return errors[0].extensions.code;
}

/** The same login as a graphql-ws operation, on a socket whose upgrade carried this X-Forwarded-For. */
function loginOverWebSocket(server: TestServer, forwardedFor: string): Promise<string> {
  const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws", {
    headers: { "x-forwarded-for": forwardedFor },
  });
  return new Promise<string>((resolve, reject) => {
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: {} })));
    socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      if (message.type === "connection_ack") {
        const variables = { phone: randomPhone(), password: "not-the-password" };
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: LOGIN, variables } }));
      } else if (message.type === "next") {
        resolve(message.payload.errors?.[0]?.extensions?.code ?? "no error");
      } else if (message.type === "error") {
        resolve(message.payload[0]?.extensions?.code ?? "error");
      }
    });
    socket.on("close", (code) => reject(new Error(`socket closed with ${code} before an answer`)));
    socket.on("error", reject);
  }).finally(() => socket.terminate());
}

type Login = (server: TestServer, forwardedFor: string) => Promise<string>;

/** Codes of `count` logins from one client address, each behind a different forged leftmost entry. */
async function spoofedLogins(login: Login, server: TestServer, count: number, afterClient: (client: string) => string) {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) codes.push(await login(server, `${randomAddress()}, ${afterClient(randomAddress())}`));
  return codes;
}

const limited = (codes: string[]) => codes.map((code) => (code === "RATE_LIMITED" ? "limited" : "let through"));
const firstAllowedThenLimited = (count: number) =>
  Array.from({ length: count }, (_, i) => (i < PER_ADDRESS ? "let through" : "limited"));

describe.each(engines)("the caller's address for per-address limits (%s)", (engine) => {
  const limits = { RATE_LOGIN_PER_ADDRESS_PER_MIN: String(PER_ADDRESS) };

  describe("behind one load balancer (TRUST_PROXY=1)", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine, { env: { ...limits, TRUST_PROXY: "1" } });
    });
    afterAll(() => server.close());

    it.each<[string, Login]>([
      ["HTTP", loginOverHttp],
      ["the WebSocket upgrade", loginOverWebSocket],
    ])("over %s, is the entry the load balancer appended: forged entries before it change nothing", async (_name, login) => {
      // The client forges the first entry each time; the load balancer appends the
      // address it saw, the same for every request.
      const client = randomAddress();
      const codes = await spoofedLogins(login, server, PER_ADDRESS + 3, () => client);
      expect(limited(codes)).toEqual(firstAllowedThenLimited(PER_ADDRESS + 3));
      // Another client behind the same load balancer (same socket address) has its own bucket.
      expect(await login(server, `${randomAddress()}, ${randomAddress()}`)).not.toBe("RATE_LIMITED");
    });
  });

  describe("behind a list of proxies (TRUST_PROXY=loopback, 10.0.0.0/8)", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine, { env: { ...limits, TRUST_PROXY: "loopback, 10.0.0.0/8" } });
    });
    afterAll(() => server.close());

    it("is the nearest entry that is not one of the proxies", async () => {
      // A CDN edge in 10.0.0.0/8 appended the client's address; the test connects from
      // loopback as the last proxy would.
      const client = randomAddress();
      const codes = await spoofedLogins(loginOverHttp, server, PER_ADDRESS + 3, () => `${client}, 10.${randomInt(256)}.0.7`);
      expect(limited(codes)).toEqual(firstAllowedThenLimited(PER_ADDRESS + 3));
      expect(await loginOverHttp(server, `${randomAddress()}, 10.1.2.3`)).not.toBe("RATE_LIMITED");
    });
  });

  describe("with no proxy trusted (the default)", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine, { env: limits });
    });
    afterAll(() => server.close());

    it("is the connection's: a forged X-Forwarded-For changes nothing", async () => {
      // Every request comes from 127.0.0.1, whatever it forges: one bucket for all.
      const codes = await spoofedLogins(loginOverHttp, server, PER_ADDRESS + 2, (client) => client);
      expect(codes.slice(PER_ADDRESS)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    });
  });
});
