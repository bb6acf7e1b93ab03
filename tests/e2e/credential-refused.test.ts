import { AdminClient } from "../../clients/admin";
import type { WalletApiError } from "../../clients/common";
import { PhoneClient } from "../../clients/phone";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newShopper } from "../support/world";

/**
 * A client hears that its session ended elsewhere (onCredentialRefused), as the phone
 * app does to lead back to sign-in: from the live socket the server closes, from a
 * request refused UNAUTHENTICATED, and after its session's expiry. A request sent
 * without a credential, or a wrong password, is not a refused credential.
 */
describe("a phone client hears its credential refused", () => {
  let server: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    server = await startTestServer("sqlite", { clock, env: { WS_CREDENTIAL_RECHECK_MS: "200" } });
  });
  afterAll(() => server.close());

  const hearing = (client: PhoneClient) => {
    const heard: WalletApiError[] = [];
    client.onCredentialRefused = (error) => heard.push(error);
    return heard;
  };

  it("from the live socket when support ends every session, and from the next request", async () => {
    const shopper = await newShopper(server.url);
    const heard = hearing(shopper.phone);
    const feed = shopper.phone.confirmationRequests();
    await feed.ready;
    await new AdminClient(server.url, ADMIN_TOKEN).endCustomerSessions(shopper.customerId);
    expect(await eventually(() => heard.length >= 1)).toBe(true);
    expect(heard[0].code).toBe("UNAUTHENTICATED");
    await shopper.phone.cards().catch(() => null);
    expect(heard.map((e) => e.code)).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED"]);
    feed.close();
    await shopper.phone.live.close();
  });

  it("from a request after a logout on another device of the same session", async () => {
    const shopper = await newShopper(server.url);
    const elsewhere = new PhoneClient(server.url, shopper.phone.token!);
    const heard = hearing(shopper.phone);
    await elsewhere.logout();
    await expect(shopper.phone.me()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(heard).toHaveLength(1);
  });

  it("from a request once the session has expired", async () => {
    const shopper = await newShopper(server.url);
    const heard = hearing(shopper.phone);
    clock.advance(loadConfig({}).sessionTtlHours * 3_600_000 + 1000);
    await expect(shopper.phone.cards()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(heard).toHaveLength(1);
  });

  it("not for a wrong password or a request sent without a credential", async () => {
    const stranger = new PhoneClient(server.url);
    const heard = hearing(stranger);
    await expect(stranger.cards()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const shopper = await newShopper(server.url);
    await expect(stranger.login(shopper.phoneNumber, `${PASSWORD}!`)).rejects.toMatchObject({ code: "INVALID_PASSWORD" });
    expect(heard).toEqual([]);
  });
});
