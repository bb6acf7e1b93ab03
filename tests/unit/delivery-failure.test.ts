import { describeFailure } from "../../src/services/delivery/delivery-failure";

describe("what a failed delivery leaves behind (lastError, logs)", () => {
  it("keeps the error's class, message and network code", () => {
    expect(describeFailure(new Error("webhook answered HTTP 503"))).toBe("Error: webhook answered HTTP 503");
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4001"), { code: "ECONNREFUSED" }) });
    expect(describeFailure(refused)).toBe("TypeError: fetch failed (ECONNREFUSED)");
    expect(describeFailure(new TypeError("fetch failed", { cause: new Error("bad port") }))).toBe("TypeError: fetch failed (bad port)");
    expect(describeFailure("plain text")).toBe("plain text");
  });

  it("takes out what may be a secret: URL paths and queries, credentials, card numbers, codes, tokens", () => {
    const text = describeFailure(
      new Error(
        "POST https://user:pw@hooks.example.com:8443/t/abc123?sig=xyz failed; Authorization: Bearer wck_q1w2e3; " +
          "card 4242 4242 4242 4242, code 12345678901234567890, pan 4000-0000-0000-0002, key whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      ),
    );
    expect(text).toBe("Error: POST https://hooks.example.com:8443 failed; Authorization: Bearer [redacted] card [digits], code [digits], pan [digits], key [redacted]");
    expect(describeFailure(new Error("no answer ".repeat(200)))).toHaveLength(500);
  });
});
