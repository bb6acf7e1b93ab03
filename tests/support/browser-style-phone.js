// A phone app in a runtime with a WebSocket of its own (a browser, React Native, Node 22),
// on the built clients package (clients/dist). Run by
// tests/e2e/browser-style-websocket.test.ts under `node --experimental-websocket`, which
// gives Node 20 the WHATWG WebSocket a browser has. It prints "ready" once subscribed,
// then one line of JSON for the first confirmation request.
const path = require("node:path");

const Platform = globalThis.WebSocket;
if (typeof Platform !== "function") throw new Error("this runtime has no WebSocket of its own");
let made = 0;
globalThis.WebSocket = class CountedWebSocket extends Platform {
  constructor(...args) {
    super(...args);
    made++;
  }
};

const { PhoneClient } = require(path.join(__dirname, "..", "..", "clients", "dist", "phone.js"));

(async () => {
  const phone = new PhoneClient(process.env.WALLET_URL, process.env.WALLET_TOKEN);
  const feed = phone.confirmationRequests();
  await feed.ready;
  process.stdout.write("ready\n");
  for await (const request of feed) {
    const wsLoaded = Object.keys(require.cache).some((file) => file.includes(`${path.sep}node_modules${path.sep}ws${path.sep}`));
    process.stdout.write(`${JSON.stringify({ paymentId: request.payment.id, socketsMade: made, wsLoaded })}\n`);
    break;
  }
  await phone.live.close();
})().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
