import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIN, freePort } from "../../scripts/server-process";
import { engines } from "../support/databases";
import { productionKeys } from "../support/production";
import { RawSocket } from "../support/raw-socket";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { errorCodeOf, newRegister } from "../support/world";

/**
 * Hostile input against a production server, over real HTTP and WebSocket. Every one of
 * these is refused while the document is read, parsed, validated or checked against the
 * caller, before a resolver touches the database, so they run on one engine (SQLite).
 * The request log of a business error does reach the database and runs on every engine.
 */

/** A POST of exactly these bytes (no client re-encoding them), with the answer's status and JSON. */
function postBytes(server: TestServer, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const url = new URL(`${server.url}/graphql`);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": String(body.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, json: text.startsWith("{") ? JSON.parse(text) : text });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const post = (server: TestServer, query: string, headers: Record<string, string> = {}) =>
  postBytes(server, Buffer.from(JSON.stringify({ query })), headers);

/** The request log line of the request sent with this x-request-id. */
function logLine(server: TestServer, requestId: string): Record<string, unknown> | undefined {
  return server.logs.lines.map((line) => JSON.parse(line)).find((line) => line.requestId === requestId && line.msg === "graphql");
}

async function stillAnswers(server: TestServer): Promise<void> {
  const { status, json } = await post(server, "{ errorCodes }");
  expect(status).toBe(200);
  expect(json.data.errorCodes).toContain("CODE_INVALID");
}

/** What a caller typed in the wrong place: it must come back in no message and reach no log line. */
const TYPED = "correct horse; battery";

const CARD = { expiryMonth: 12, expiryYear: 2035, holderName: "H", kind: "CREDIT", institution: "X", pan: "4242424242424242" };

/** Variables of the wrong type, each carrying TYPED: top level, in a list, nested in input objects, every kind of leaf. */
const WRONG_VARIABLES: Array<[string, string, Record<string, unknown>]> = [
  ["a list for a String", "mutation ($w: String!) { login(phone: \"+819012345678\", password: $w) { token } }", { w: [TYPED] }],
  ["an object for a String", "mutation ($w: String!) { login(phone: \"+819012345678\", password: $w) { token } }", { w: { secret: TYPED } }],
  ["a number for a String", "mutation ($w: String!) { login(phone: \"+819012345678\", password: $w) { token } }", { w: 4242424242424242 }],
  ["a String for an input object", "mutation ($input: AddCardInput!) { addCard(input: $input) { id } }", { input: TYPED }],
  ["a String for a nested Int", "mutation ($input: AddCardInput!) { addCard(input: $input) { id } }", { input: { ...CARD, expiryMonth: TYPED } }],
  ["a String for a nested enum", "mutation ($input: AddCardInput!) { addCard(input: $input) { id } }", { input: { ...CARD, kind: TYPED } }],
  ["an unknown field named by the value", "mutation ($input: AddCardInput!) { addCard(input: $input) { id } }", { input: { ...CARD, [TYPED]: 1 } }],
  [
    "a String for an Int two levels down in a list",
    "mutation ($sale: SaleInput!) { redeemCode(code: \"1\", sale: $sale, idempotencyKey: \"k\") { id } }",
    { sale: { amount: 1, currency: "JPY", items: [{ name: "Tea", quantity: 1, unitPrice: TYPED }] } },
  ],
  ["a String for a DateTime", "mutation ($e: EventInput!) { createEvent(input: $e) { id } }", { e: { title: "t", venue: "v", startsAt: TYPED, doorsOpenAt: TYPED } }],
  ["a String for a Boolean", "mutation ($e: EventInput!) { createEvent(input: $e) { id } }", { e: { title: "t", venue: "v", startsAt: "2030-01-01T00:00:00Z", doorsOpenAt: "2030-01-01T00:00:00Z", allowReentry: TYPED } }],
];

/** Whether TYPED, or any part of it a message might keep, is in the text. */
const echoes = (text: string) => ["correct", "horse", "battery", "4242424242424242"].some((part) => text.includes(part));

const nestedBraces = (levels: number) => `${"{ a ".repeat(levels)}${"}".repeat(levels)}`;

/** Documents that must not parse: each is a client's mistake (or attack), never the server's. */
const UNPARSABLE: Array<[string, string]> = [
  ["a syntax error", "{ errorCodes"],
  ["more than 2000 tokens", `{ ${"__typename ".repeat(2100)}}`],
  ["2,000 aliases", `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(" ")} }`],
  ["5,000 nested braces", nestedBraces(5000)],
];

describe("a production server answers hostile input as client errors", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", {
      env: {
        ...productionKeys(),
        BODY_LIMIT: "100kb",
      },
    });
  });
  afterAll(() => server.close());

  describe("over HTTP", () => {
    it.each(UNPARSABLE)("%s: 400 BAD_USER_INPUT, logged as such, and the server answers after it", async (_name, query) => {
      const requestId = `hostile-${randomUUID()}`;
      const { status, json } = await post(server, query, { "x-request-id": requestId });
      expect(status).toBe(400);
      expect(json.data).toBeUndefined();
      expect(json.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", reason: "GRAPHQL_PARSE_FAILED" });
      expect(logLine(server, requestId)).toMatchObject({ errors: ["BAD_USER_INPUT"] });
      await stillAnswers(server);
    });

    it("invalid UTF-8 bytes in the query: 400 BAD_USER_INPUT", async () => {
      const body = Buffer.concat([Buffer.from('{"query":"{ errorCodes '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' }"}')]);
      const { status, json } = await postBytes(server, body);
      expect(status).toBe(400);
      expect(json.errors[0].extensions.code).toBe("BAD_USER_INPUT");
      await stillAnswers(server);
    });

    it("introspection without the admin token: 403 FORBIDDEN, logged as such; the admin token may", async () => {
      const requestId = `hostile-${randomUUID()}`;
      const stranger = await post(server, "{ __schema { queryType { name } } }", { "x-request-id": requestId });
      expect(stranger.status).toBe(403);
      expect(stranger.json).toEqual({ errors: [{ message: "Introspection needs the admin token", extensions: { code: "FORBIDDEN" } }] });
      expect(logLine(server, requestId)).toMatchObject({ field: "__schema", errors: ["FORBIDDEN"] });

      const admin = await post(server, "{ __schema { queryType { name } } }", { authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(admin.status).toBe(200);
      expect(admin.json.data.__schema.queryType.name).toBe("Query");
      await stillAnswers(server);
    });
  });

    const SUBSCRIPTIONS = [
      "subscription { confirmationRequests { id } }",
      "subscription { paymentUpdates { id } }",
      "subscription { messages { id } }",
      "subscription { billReceipts { id } }",
      'subscription { admissions(eventId: "01a00000-0000-7000-8000-000000000000") { result } }',
    ];
    it.each(SUBSCRIPTIONS.flatMap((query) => [[query, "anyone"], [query, "admin"]]))(
      "%s over HTTP (%s): 400 BAD_USER_INPUT saying it needs the socket, with no internal error logged",
      async (query, who) => {
        const requestId = `hostile-${randomUUID()}`;
        const headers: Record<string, string> = { "x-request-id": requestId, ...(who === "admin" ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}) };
        const { status, json } = await post(server, query, headers);
        expect(status).toBe(400);
        expect(json.data).toBeUndefined();
        expect(json.errors).toHaveLength(1);
        expect(json.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", reason: "SUBSCRIPTION_NEEDS_WEBSOCKET" });
        expect(json.errors[0].message).toMatch(/WebSocket/);
        expect(logLine(server, requestId)).toMatchObject({ errors: ["BAD_USER_INPUT"] });
        expect(server.logs.text).not.toMatch(/unexpected error/);
        await stillAnswers(server);
      },
    );

    it.each(WRONG_VARIABLES)("%s: BAD_USER_INPUT naming the variable, never its value, in the answer or the log", async (_name, query, variables) => {
      const requestId = `hostile-${randomUUID()}`;
      const { status, json } = await postBytes(server, Buffer.from(JSON.stringify({ query, variables })), { "x-request-id": requestId });
      expect(status).toBe(400);
      expect(json.errors.length).toBeGreaterThan(0);
      for (const error of json.errors) {
        expect(error.extensions.code).toBe("BAD_USER_INPUT");
        expect(error.message).toMatch(/^Variable "\$\w+"/);
      }
      expect(echoes(JSON.stringify(json))).toBe(false);
      expect(logLine(server, requestId)).toMatchObject({ errors: json.errors.map(() => "BAD_USER_INPUT") });
      expect(echoes(server.logs.text)).toBe(false);
    });

    it("still says which field of which variable is wrong, and what it should be", async () => {
      const answer = async (index: number) => {
        const [, query, variables] = WRONG_VARIABLES[index];
        return (await postBytes(server, Buffer.from(JSON.stringify({ query, variables })))).json.errors.map((e: { message: string }) => e.message);
      };
      expect(await answer(0)).toEqual(['Variable "$w" got invalid value; not a valid String.']);
      expect(await answer(3)).toEqual(['Variable "$input" got invalid value; Expected type "AddCardInput" to be an object.']);
      expect(await answer(5)).toEqual(['Variable "$input" got invalid value at "input.kind"; not a value of enum "CardKind".']);
      expect(await answer(6)).toEqual(['Variable "$input" got invalid value; a field is not defined by type "AddCardInput".']);
      expect(await answer(7)).toEqual(['Variable "$sale" got invalid value at "sale.items[0].unitPrice"; not a valid Int.']);
    });

  describe("over WebSocket", () => {
    it.each(UNPARSABLE)("%s: an error with BAD_USER_INPUT on that operation, logged; the socket stays open", async (_name, query) => {
      const socket = new RawSocket(server.url, { token: ADMIN_TOKEN });
      try {
        await socket.acked;
        const refused = await socket.run(query);
        expect(refused.errors?.[0].extensions).toEqual({ code: "BAD_USER_INPUT", reason: "GRAPHQL_PARSE_FAILED" });
        expect(socket.open).toBe(true);
        const after = await socket.run("{ errorCodes }");
        expect(after.data).toMatchObject({ errorCodes: expect.arrayContaining(["CODE_INVALID"]) });
      } finally {
        socket.close();
      }
      const logged = server.logs.lines.map((line) => JSON.parse(line)).filter((line) => line.transport === "ws" && line.errors);
      expect(logged.at(-1)).toMatchObject({ msg: "graphql", caller: "admin", errors: ["BAD_USER_INPUT"] });
    });

    it("closes a socket whose message is over BODY_LIMIT (1009), takes one just under it, and keeps serving", async () => {
      const under = `{ errorCodes } # ${"x".repeat(90 * 1024)}`;
      const over = `{ errorCodes } # ${"x".repeat(110 * 1024)}`;
      // HTTP and WebSocket have the one limit.
      expect((await post(server, under)).status).toBe(200);
      expect((await post(server, over)).status).toBe(413);

      const socket = new RawSocket(server.url, { token: ADMIN_TOKEN });
      await socket.acked;
      expect((await socket.run(under)).data).toMatchObject({ errorCodes: expect.any(Array) });
      socket.send(JSON.stringify({ id: "big", type: "subscribe", payload: { query: over } }));
      expect((await socket.closed).code).toBe(1009);
      // The client's mistake, logged as one warning (not an internal error with a stack).
      const warning = server.logs.lines.map((line) => JSON.parse(line)).find((line) => line.msg === "socket closed on a protocol error");
      expect(warning).toMatchObject({ level: 40, err: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" });

      const next = new RawSocket(server.url, { token: ADMIN_TOKEN });
      try {
        await next.acked;
        expect((await next.run("{ errorCodes }")).data).toMatchObject({ errorCodes: expect.any(Array) });
      } finally {
        next.close();
      }
      await stillAnswers(server);
    });

    it.each(WRONG_VARIABLES)("%s: BAD_USER_INPUT naming the variable, never its value, in the answer or the log", async (_name, query, variables) => {
      const socket = new RawSocket(server.url, { token: ADMIN_TOKEN });
      try {
        await socket.acked;
        const refused = await socket.run(query, variables);
        expect(refused.errors?.length).toBeGreaterThan(0);
        for (const error of refused.errors!) {
          expect(error.extensions?.code).toBe("BAD_USER_INPUT");
          expect(error.message).toMatch(/^Variable "\$\w+"/);
        }
        expect(echoes(JSON.stringify(refused))).toBe(false);
      } finally {
        socket.close();
      }
      expect(echoes(server.logs.text)).toBe(false);
    });

    it("suggests no field names, as over HTTP", async () => {
      const socket = new RawSocket(server.url);
      try {
        await socket.acked;
        const overSocket = await socket.run("{ errorCode }");
        const overHttp = await post(server, "{ errorCode }");
        expect(overHttp.status).toBe(400);
        for (const error of [overSocket.errors![0], overHttp.json.errors[0]]) {
          expect(error.message).toBe('Cannot query field "errorCode" on type "Query".');
          expect(error.extensions?.code).toBe("BAD_USER_INPUT");
        }
      } finally {
        socket.close();
      }
    });

    it("refuses introspection to an anonymous socket with FORBIDDEN, and answers it to the admin token", async () => {
      const stranger = new RawSocket(server.url);
      const admin = new RawSocket(server.url, { token: ADMIN_TOKEN });
      try {
        await Promise.all([stranger.acked, admin.acked]);
        const refused = await stranger.run("{ __schema { queryType { name } } }");
        expect(refused).toEqual({ errors: [{ message: "Introspection needs the admin token", extensions: { code: "FORBIDDEN" } }] });
        expect(await admin.run("{ __schema { queryType { name } } }")).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
      } finally {
        stranger.close();
        admin.close();
      }
    });
  });
});

describe.each(engines)("the request log on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it("names the code a business error was answered with, not INTERNAL_SERVER_ERROR", async () => {
    const { register } = await newRegister(server.url);
    const code = await errorCodeOf(register.redeemCode("12345678901234567890", { amount: 100, currency: "JPY" }, randomUUID()));
    expect(code).toBe("CODE_INVALID");
    const lines = server.logs.lines.map((line) => JSON.parse(line)).filter((line) => line.field === "redeemCode");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "graphql", caller: "register", errors: ["CODE_INVALID"] });
  });
});

describe("BODY_LIMIT", () => {
  it("that is not a size stops the server at start with a message naming it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wallet-center-body-limit-"));
    try {
      const child = spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(await freePort()), BODY_LIMIT: "bogus" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      // A server that takes the value starts and keeps running: that is a failure, not a hang.
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([exited, new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), 15_000)))]);
      clearTimeout(timer);
      if (outcome === "still running") child.kill("SIGKILL");
      expect(outcome).not.toBe("still running");
      expect(outcome).not.toBe(0);
      expect(output).toMatch(/BODY_LIMIT: must be a size/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
