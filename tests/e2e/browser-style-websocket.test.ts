import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

const PHONE_APP = join(__dirname, "..", "support", "browser-style-phone.js");
const PACKAGE_BUILD = join(__dirname, "..", "..", "clients", "dist", "phone.js");

/**
 * The clients package where the platform has a WebSocket (browsers, React Native, Node
 * 22): a separate Node process with the WHATWG WebSocket switched on runs a phone's live
 * feed on clients/dist. The feed must use that WebSocket, never load the `ws` package,
 * and deliver a confirmation request through `for await`.
 */
describe("the clients package on a platform WebSocket", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
  });
  afterAll(() => server.close());

  it("subscribes through the global WebSocket, without ws, and gets the event", async () => {
    if (!existsSync(PACKAGE_BUILD)) throw new Error(`${PACKAGE_BUILD} is missing: run \`npm run build\` first (npm test does)`);
    const shopper = await newShopper(server.url);
    await shopper.phone.setConfirmAbove(0);
    const { register } = await newRegister(server.url);

    const child = spawn(process.execPath, ["--experimental-websocket", "--no-warnings", PHONE_APP], {
      env: { PATH: process.env.PATH ?? "", WALLET_URL: server.url, WALLET_TOKEN: shopper.phone.token! },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (!out.includes("ready\n")) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the phone app did not subscribe: ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      const pending = await register.redeemCode(code, { amount: 800, currency: "JPY" }, "browser-1");
      expect(await exited).toBe(0);
      const told = JSON.parse(out.split("\n")[1]);
      expect(told).toEqual({ paymentId: pending.id, socketsMade: 1, wsLoaded: false });
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
