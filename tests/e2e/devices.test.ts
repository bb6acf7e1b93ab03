import { AdminClient } from "../../clients/admin";
import { DeviceKey, type DeviceProof } from "../../clients/device-key";
import { PhoneClient } from "../../clients/phone";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper, type Shopper } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });

/** The mutation as a phone sends it, with a proof made beforehand (to replay it, or send it for other arguments). */
const ISSUE_WITH_PROOF = `mutation ($cardId: ID!, $maxAmount: Int, $proof: DeviceProofInput) {
  issuePaymentCode(cardId: $cardId, maxAmount: $maxAmount, proof: $proof) { code } }`;

describe.each(engines)("a phone's own key instead of its password (%s)", (engine) => {
  let server: TestServer;
  let admin: AdminClient;
  beforeAll(async () => {
    server = await startTestServer(engine);
    admin = new AdminClient(server.url, ADMIN_TOKEN);
  });
  afterAll(() => server.close());

  async function withDevice(algorithm: "Ed25519" | "ES256" = "Ed25519") {
    const shopper = await newShopper(server.url);
    const key = await DeviceKey.generate({ algorithm });
    const device = await shopper.phone.registerDevice(key, "Hanako's phone", PASSWORD);
    return { shopper, key, device };
  }

  const sendProof = (shopper: Shopper, proof: DeviceProof, maxAmount: number | null = null, cardId = shopper.card.id) =>
    shopper.phone.request<{ issuePaymentCode: { code: string } }>(ISSUE_WITH_PROOF, { cardId, maxAmount, proof });

  it.each(["Ed25519", "ES256"] as const)("registers a %s key, pays with a code issued for its proof, and lists the device", async (algorithm) => {
    const { shopper, key, device } = await withDevice(algorithm);
    expect(device).toMatchObject({ id: key.deviceId, name: "Hanako's phone", algorithm, lastUsedAt: null, revokedAt: null });
    const { register } = await newRegister(server.url);
    const issued = await shopper.phone.issuePaymentCode(shopper.card.id, key, 2000);
    expect(issued.code).toMatch(/^\d+$/);
    expect(await register.redeemCode(issued.code, JPY(1800), `dev-${algorithm}`)).toMatchObject({ status: "APPROVED", amount: 1800 });
    const [listed] = await shopper.phone.devices();
    expect(listed.id).toBe(device.id);
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it("refuses a replayed proof, and a proof sent for another card or another cap", async () => {
    const { shopper, key } = await withDevice();
    const proof = await key.prove("issuePaymentCode", { cardId: shopper.card.id, maxAmount: 1000 });
    await sendProof(shopper, proof, 1000);
    const replayed = await sendProof(shopper, proof, 1000).catch((e) => e);
    expect(replayed).toMatchObject({ code: "PROOF_REPLAYED", extensions: { lastCounter: 1 } });

    const forCap = await key.prove("issuePaymentCode", { cardId: shopper.card.id, maxAmount: 1000 });
    expect(await sendProof(shopper, forCap, 50_000).catch((e) => e)).toMatchObject({ code: "PROOF_MISMATCH", extensions: { field: "maxAmount" } });
    const other = await newShopper(server.url);
    const forCard = await key.prove("issuePaymentCode", { cardId: other.card.id, maxAmount: null });
    expect(await errorCodeOf(sendProof(shopper, forCard, null, shopper.card.id))).toBe("PROOF_MISMATCH");
    // Neither refusal used the counter up: the client's next proof goes through.
    expect((await shopper.phone.issuePaymentCode(shopper.card.id, key)).kind).toBe("PAYMENT");
  });

  it("refuses a device revoked from another session at once", async () => {
    const { shopper, key, device } = await withDevice();
    await shopper.phone.issuePaymentCode(shopper.card.id, key);
    const tablet = new PhoneClient(server.url);
    await tablet.login(shopper.phoneNumber, PASSWORD);
    expect((await tablet.revokeDevice(device.id)).revokedAt).not.toBeNull();
    expect(await errorCodeOf(shopper.phone.issuePaymentCode(shopper.card.id, key))).toBe("DEVICE_REVOKED");
    // The password still works.
    expect((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).kind).toBe("PAYMENT");
  });

  it("refuses another customer's device as unknown, and will not revoke it", async () => {
    const { key: theirs, device, shopper: owner } = await withDevice();
    const shopper = await newShopper(server.url);
    expect(await errorCodeOf(shopper.phone.issuePaymentCode(shopper.card.id, theirs))).toBe("DEVICE_UNKNOWN");
    expect(await errorCodeOf(shopper.phone.revokeDevice(device.id))).toBe("NOT_FOUND");
    expect(await shopper.phone.devices()).toEqual([]);
    expect((await owner.phone.issuePaymentCode(owner.card.id, theirs)).kind).toBe("PAYMENT");
  });

  it("revokes a lost phone's devices with its sessions", async () => {
    const { shopper, key } = await withDevice();
    expect(await admin.endCustomerSessions(shopper.customerId)).toBe(1);
    const again = new PhoneClient(server.url);
    await again.login(shopper.phoneNumber, PASSWORD);
    expect((await again.devices()).map((d) => d.revokedAt !== null)).toEqual([true]);
    expect(await errorCodeOf(again.issuePaymentCode(shopper.card.id, key))).toBe("DEVICE_REVOKED");
  });

  it("caps the active devices, asks for the password to register, and refuses a key of another kind", async () => {
    const shopper = await newShopper(server.url);
    expect(await errorCodeOf(shopper.phone.registerDevice(await DeviceKey.generate(), "Phone", "not the password"))).toBe("INVALID_PASSWORD");
    const notAKey = await DeviceKey.generate();
    Object.defineProperty(notAKey, "publicKey", { value: Buffer.from("not a key at all").toString("base64url") });
    expect(await errorCodeOf(shopper.phone.registerDevice(notAKey, "Phone", PASSWORD))).toBe("BAD_USER_INPUT");
    const devices = [];
    for (let i = 0; i < 5; i++) devices.push(await shopper.phone.registerDevice(await DeviceKey.generate(), `Device ${i}`, PASSWORD));
    const over = await shopper.phone.registerDevice(await DeviceKey.generate(), "Sixth", PASSWORD).catch((e) => e);
    expect(over).toMatchObject({ code: "DEVICE_LIMIT", extensions: { limit: 5 } });
    await shopper.phone.revokeDevice(devices[0].id);
    expect((await shopper.phone.registerDevice(await DeviceKey.generate(), "Sixth", PASSWORD)).name).toBe("Sixth");
  });

  it("lets one of several racing proofs with the same counter through", async () => {
    const { shopper, key } = await withDevice();
    const state = key.state();
    const copies = [100, 200, 300, 400].map((cap) => [DeviceKey.restore(state), cap] as const);
    const outcomes = await Promise.allSettled(copies.map(([copy, cap]) => copy.prove("issuePaymentCode", { cardId: shopper.card.id, maxAmount: cap }).then((p) => sendProof(shopper, p, cap))));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code: string }).code] : []))).toEqual(["PROOF_REPLAYED", "PROOF_REPLAYED", "PROOF_REPLAYED"]);
  });

  it("answers a confirmation with a proof", async () => {
    const { shopper, key } = await withDevice("ES256");
    await shopper.phone.setConfirmAbove(0);
    const { register } = await newRegister(server.url);
    const pending = await register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, key)).code, JPY(900), "confirm-dev");
    expect(pending.status).toBe("PENDING_CONFIRMATION");
    const [request] = await shopper.phone.pendingConfirmations();
    expect(await shopper.phone.respondToConfirmation(request.id, true, key)).toMatchObject({ id: pending.id, status: "APPROVED" });
  });

  it("asks for the password or a proof, not both and not neither", async () => {
    const { shopper, key } = await withDevice();
    const proof = await key.prove("issuePaymentCode", { cardId: shopper.card.id, maxAmount: null });
    const both = `mutation ($cardId: ID!, $password: String, $proof: DeviceProofInput) { issuePaymentCode(cardId: $cardId, password: $password, proof: $proof) { code } }`;
    expect(await errorCodeOf(shopper.phone.request(both, { cardId: shopper.card.id, password: PASSWORD, proof }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(shopper.phone.request(both, { cardId: shopper.card.id }))).toBe("BAD_USER_INPUT");
  });
});
