import { pushEndpointProblem, pushKeysProblem } from "../../src/services/push/push-endpoint";

describe("push endpoints: caller-given URLs held to the webhooks' rule", () => {
  it("takes an https URL of a public name or address in production", () => {
    for (const url of ["https://fcm.googleapis.com/fcm/send/abc", "https://updates.push.services.mozilla.com/wpush/v2/x", "https://8.8.8.8/push/1"]) {
      expect([url, pushEndpointProblem(url, false)]).toEqual([url, null]);
    }
  });

  it("refuses http, other schemes, credentials, loopback, private and local names in production", () => {
    const refused = [
      ["http://fcm.googleapis.com/fcm/send/abc", "endpoint must be an https URL"],
      ["ftp://push.example.com/x", "endpoint must be an https URL"],
      ["not a url", "endpoint must be an https URL"],
      ["https://user:pw@push.example.com/x", "endpoint must carry no user name or password"],
      ["https://127.0.0.1/push", "endpoint must reach a public address"],
      ["https://[::1]/push", "endpoint must reach a public address"],
      ["https://10.1.2.3/push", "endpoint must reach a public address"],
      ["https://169.254.169.254/latest", "endpoint must reach a public address"],
      ["https://2130706433/push", "endpoint must reach a public address"],
      ["https://localhost/push", "endpoint must reach a public address"],
      ["https://push.localhost./x", "endpoint must reach a public address"],
    ];
    for (const [url, why] of refused) expect([url, pushEndpointProblem(url, false)]).toEqual([url, why]);
  });

  it("lets http and loopback in where private targets are allowed (development, tests)", () => {
    expect(pushEndpointProblem("http://127.0.0.1:4567/push/x", true)).toBeNull();
    expect(pushEndpointProblem("ftp://127.0.0.1/push", true)).toBe("endpoint must be an https URL");
  });

  it("takes only a browser's keys: a 65-byte uncompressed P-256 point and a 16-byte secret", () => {
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url");
    const secret = Buffer.alloc(16, 1).toString("base64url");
    expect(pushKeysProblem(point, secret)).toBeNull();
    expect(pushKeysProblem(Buffer.alloc(65, 2).toString("base64url"), secret)).toMatch(/^p256dh/);
    expect(pushKeysProblem(Buffer.alloc(33, 4).toString("base64url"), secret)).toMatch(/^p256dh/);
    expect(pushKeysProblem(point, Buffer.alloc(8).toString("base64url"))).toMatch(/^auth/);
    expect(pushKeysProblem("not base64!", secret)).toMatch(/^p256dh/);
  });
});
