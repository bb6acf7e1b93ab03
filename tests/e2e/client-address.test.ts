import { startTestServer, type TestServer } from "../support/server";

/** A login attempt for a phone nobody has, as if from `forwardedFor`; the error code it got. */
async function loginFrom(server: TestServer, forwardedFor: string, attempt: number): Promise<string> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": `${forwardedFor}, 10.0.0.1` },
    body: JSON.stringify({
      query: "mutation ($phone: String!, $password: String!) { login(phone: $phone, password: $password) { token } }",
      variables: { phone: `+8190000000${String(attempt).padStart(2, "0")}`, password: "not-the-password" },
    }),
  });
  return (await response.json()).errors[0].extensions.code;
}

describe("the caller's address for per-address limits", () => {
  const limits = { RATE_LOGIN_PER_ADDRESS_PER_MIN: "2" };

  it("behind a trusted proxy, is the first X-Forwarded-For entry", async () => {
    const server = await startTestServer("sqlite", { env: { ...limits, TRUST_PROXY: "true" } });
    try {
      expect(await loginFrom(server, "203.0.113.7", 1)).toBe("INVALID_PASSWORD");
      expect(await loginFrom(server, "203.0.113.7", 2)).toBe("INVALID_PASSWORD");
      expect(await loginFrom(server, "203.0.113.7", 3)).toBe("RATE_LIMITED");
      expect(await loginFrom(server, "203.0.113.8", 4)).toBe("INVALID_PASSWORD");
    } finally {
      await server.close();
    }
  });

  it("without one, is the connection's: a forged X-Forwarded-For changes nothing", async () => {
    const server = await startTestServer("sqlite", { env: limits });
    try {
      expect(await loginFrom(server, "203.0.113.7", 1)).toBe("INVALID_PASSWORD");
      expect(await loginFrom(server, "203.0.113.8", 2)).toBe("INVALID_PASSWORD");
      expect(await loginFrom(server, "203.0.113.9", 3)).toBe("RATE_LIMITED");
    } finally {
      await server.close();
    }
  });
});
