import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { productionKeys } from "../support/production";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { newShopper } from "../support/world";

async function post(server: TestServer, query: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("a production server's hardening", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", {
      env: {
        ...productionKeys(),
        BODY_LIMIT: "2kb",
        MAX_QUERY_DEPTH: "3",
        MAX_ALIASES: "5",
      },
    });
  });
  afterAll(() => server.close());

  it("answers introspection only to the admin token", async () => {
    const query = "{ __schema { queryType { name } } }";
    const stranger = JSON.parse((await post(server, query)).text);
    expect(stranger.data).toBeFalsy();
    expect(stranger.errors[0].extensions.code).toBe("FORBIDDEN");
    const admin = JSON.parse((await post(server, query, ADMIN_TOKEN)).text);
    expect(admin.data.__schema.queryType.name).toBe("Query");
  });

  it("refuses queries deeper or with more aliases than allowed", async () => {
    const deep = JSON.parse((await post(server, '{ lookupCode(code: "1") { ticket { event { title } } } }')).text);
    expect(deep.data).toBeFalsy();
    expect(deep.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(deep.errors[0].message).toMatch(/depth/i);
    const shallow = JSON.parse((await post(server, '{ lookupCode(code: "1") { ticket { id } } }')).text);
    expect(shallow.errors[0].extensions.code).toBe("UNAUTHENTICATED"); // past the limits, on to the resolver

    const aliases = `{ ${Array.from({ length: 8 }, (_, i) => `a${i}: errorCodes`).join(" ")} }`;
    const many = JSON.parse((await post(server, aliases)).text);
    expect(many.data).toBeFalsy();
    expect(many.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(many.errors[0].message).toMatch(/alias/i);
  });

  it("refuses a body over the limit with 413", async () => {
    const { status } = await post(server, `{ __typename } # ${"x".repeat(4000)}`);
    expect(status).toBe(413);
  });

  it("answers a body that is not JSON, a compressed body and an unknown path with clear errors", async () => {
    const broken = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query": "{ __typename }"' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { errors: unknown[] }).errors[0]).toEqual({ message: "request body is not valid JSON", extensions: { code: "BAD_USER_INPUT" } });

    const gzipped = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(gzipped.status).toBe(415);

    const wrongType = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{ __typename }" });
    expect(wrongType.status).toBe(400);

    const elsewhere = await fetch(`${server.url}/admin`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("blocks requests a browser could send cross-site (CSRF prevention)", async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ errorCodes }")}`);
    expect(response.status).toBe(400);
  });

  it("answers /health and tags every response with a request id", async () => {
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toEqual({ status: "ok", database: "ok" });
    const { headers } = await post(server, "{ __typename }");
    expect(headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await post(server, "{ __typename }", undefined, { "x-request-id": "till-7-receipt-42" });
    expect(echoed.headers.get("x-request-id")).toBe("till-7-receipt-42");
    // The operation's log line carries the same id, so a register's receipt finds it.
    const line = server.logs.lines.map((l) => JSON.parse(l)).find((l) => l.requestId === "till-7-receipt-42");
    expect(line).toMatchObject({ msg: "graphql", caller: "anonymous", field: "__typename" });
  });

  it("shows no stack, SQL or internals in an error", async () => {
    const { text } = await post(server, '{ payment(id: "x") { id } }', "wcs_forged");
    expect(text).not.toMatch(/at .+\.(js|ts):\d+/);
    expect(text).not.toMatch(/stacktrace|SELECT|sqlite|typeorm/i);
  });

  it("serves graphql-ws on the same port and path, with the session as credential", async () => {
    const shopper = await newShopper(server.url);
    const client = createClient({
      url: `${server.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${shopper.phone.token}` },
      retryAttempts: 0,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: "{ me { phone } }" }, { next: resolve, error: reject, complete: () => undefined });
      });
      expect(result).toEqual({ data: { me: { phone: shopper.phoneNumber } } });
    } finally {
      await client.dispose();
    }
  });
});
