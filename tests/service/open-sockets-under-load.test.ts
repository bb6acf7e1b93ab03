import { createConnection } from "mysql2/promise";
import type { WebSocket } from "ws";
import { ManualClock } from "../../src/clock";
import { DEFAULT_POOL_SIZE } from "../../src/database";
import { OpenSockets } from "../../src/open-sockets";
import { mysqlAvailable } from "../support/databases";
import { eventually } from "../support/eventually";
import { newCustomer, serviceWorld, type ServiceWorld } from "../support/service-world";

const LOOK_EVERY_MS = 100;
const describeIf = mysqlAvailable ? describe : describe.skip;

/**
 * An instance closes the sockets of a credential that ended, announced or not, however
 * busy its pool: its looks and re-checks go on a connection of their own, so a thousand
 * registers holding every pooled connection do not keep a lost phone's socket open.
 */
describeIf("open sockets' ended credentials under load (mysql)", () => {
  let world: ServiceWorld;
  let sockets: OpenSockets;
  const clock = new ManualClock(new Date("2026-12-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld("mysql", { clock });
    sockets = new OpenSockets(world.services.credentials, world.deps.events, world.deps.logger, clock, LOOK_EVERY_MS, 3_600_000);
  });
  afterAll(async () => {
    sockets.stop();
    await world.close();
  });

  /** A phone's socket as OpenSockets holds it: what it was closed with, if it was. */
  async function openPhoneSocket() {
    const { caller } = await newCustomer(world);
    if (caller.kind !== "customer") throw new Error("a customer's caller");
    const closed: Array<{ code: number; reason: string }> = [];
    const socket = { close: (code: number, reason: string) => closed.push({ code, reason }) } as unknown as WebSocket;
    sockets.add({ socket, caller });
    return { sessionId: caller.sessionId, closed };
  }

  /** Every pooled connection held longer than a second, as under a long pool wait; resolves when they are let go. */
  const holdThePool = () => Promise.all(Array.from({ length: DEFAULT_POOL_SIZE }, () => world.deps.db.read((m) => m.query("SELECT SLEEP(2)"))));

  it("closes the socket of a session revoked without an announcement while every pooled connection is held", async () => {
    const phone = await openPhoneSocket();
    const held = holdThePool();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Behind the service's back: no announcement, as when Redis loses it.
    const revoked = performance.now();
    await revokeOnTheSide(world, phone.sessionId, clock.now());
    expect(await eventually(async () => phone.closed.length > 0, 3000)).toBe(true);
    expect(performance.now() - revoked).toBeLessThan(1000);
    expect(phone.closed[0].code).toBe(4403);
    await held;
  });

  it("closes the socket of a session whose end is announced while every pooled connection is held", async () => {
    const phone = await openPhoneSocket();
    await revokeOnTheSide(world, phone.sessionId, new Date(clock.now().getTime() - 60_000));
    // Revoked a minute before the last look reaches back: only the announcement names it.
    clock.advance(120_000);
    const held = holdThePool();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const announced = performance.now();
    world.deps.events.credentialsEnded({ sessionIds: [phone.sessionId] });
    expect(await eventually(async () => phone.closed.length > 0, 3000)).toBe(true);
    expect(performance.now() - announced).toBeLessThan(1000);
    await held;
  });
});

/** A session revoked at `at` on a connection outside the pool, which the test holds. */
async function revokeOnTheSide(world: ServiceWorld, sessionId: string, at: Date): Promise<void> {
  const connection = await createConnection({ uri: world.deployment.database!.databaseUrl, timezone: "Z" });
  try {
    await connection.execute("UPDATE customer_sessions SET revokedAt = ? WHERE id = ?", [at, sessionId]);
  } finally {
    await connection.end();
  }
}
