import { fromBase64url } from "../../clients/wire/base64url";
import { verifyConsistency, verifyInclusion } from "../../clients/wire/merkle";
import { receiptLeafHash, type KeySet } from "../../clients/wire/receipt";
import { ManualClock } from "../../src/clock";
import { verifyBooks } from "../../src/services/books/verify-books";
import { engines } from "../support/databases";
import { approvedSale, serviceWorld, type ServiceWorld } from "../support/service-world";

const DAY_MS = 86_400_000;

/**
 * Receipts do not grow forever: past RECEIPT_RETENTION_DAYS the retention sweep drops a
 * sealed receipt's body, and its leaf (merkle_nodes) stays, so every head still matches
 * the books recomputed, proofs for the receipts kept still verify, and the verifier counts
 * the dropped ones as dropped, not as tampering, while a change still shows.
 */
describe.each(engines)("receipts past their retention (%s)", (engine) => {
  let world: ServiceWorld;
  let keys: KeySet;
  const clock = new ManualClock(new Date("2026-12-01T10:00:00Z"));

  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { BOOKS_HEAD_MS: "100", RECEIPT_RETENTION_DAYS: "30" } });
    await world.services.receiptKeys.record();
    keys = await world.services.receiptKeys.keySet();
  });
  afterAll(() => world.close());

  const seal = async () => {
    clock.advance(200);
    await world.services.sealer.sealOnce();
  };
  const check = (kept = [] as Parameters<typeof verifyBooks>[2]) => world.deps.db.read((m) => verifyBooks(m, keys, kept), { fresh: true });
  const hash = fromBase64url;

  it("drops old sealed bodies only; the books still verify and prove, and the verifier reports them as dropped", async () => {
    const old = [await approvedSale(world, 100), await approvedSale(world, 200)];
    await seal();
    const kept = (await world.services.books.latestHead())!;
    const [oldReceipt] = await world.services.receipts.ofObject(old[0].payment.id);

    clock.advance(31 * DAY_MS);
    const recent = await approvedSale(world, 300);
    await seal();
    const waiting = await approvedSale(world, 400); // not sealed yet: no leaf, so never dropped
    clock.advance(1000);

    const { deleted, failed } = await world.services.retention.sweep();
    expect(failed).toEqual([]);
    expect(deleted.receipts).toBe(2);
    const rows = await world.deps.db.select<{ objectId: string; body: string | null; droppedAt: unknown }>("SELECT objectId, body, droppedAt FROM receipts", []);
    const byObject = new Map(rows.map((row) => [row.objectId, row]));
    for (const { payment } of old) expect(byObject.get(payment.id)).toMatchObject({ body: null, droppedAt: expect.anything() });
    for (const { payment } of [recent, waiting]) expect(byObject.get(payment.id)).toMatchObject({ body: expect.any(String), droppedAt: null });
    expect((await world.services.retention.sweep()).deleted.receipts).toBe(0);

    // The verifier: no finding, the dropped counted, the head kept outside still matches.
    const report = await check([kept]);
    expect(report).toMatchObject({ findings: [], dropped: 2, unsealed: 1 });
    expect(report.headsChecked).toBeGreaterThanOrEqual(2);

    // A dropped receipt is no longer served, but its holder's leaf still proves against the later head.
    expect(await world.services.receipts.ofObject(old[0].payment.id)).toEqual([]);
    await expect(world.services.books.receiptProof(oldReceipt.body.id)).rejects.toMatchObject({ code: "NOT_FOUND", details: { dropped: true } });
    await seal();
    const latest = (await world.services.books.latestHead())!;
    const consistency = await world.services.books.consistency(kept.size, latest.size);
    expect(verifyConsistency(kept.size, latest.size, consistency.path.map(hash), hash(kept.root), hash(latest.root))).toBe(true);
    const [recentReceipt] = await world.services.receipts.ofObject(recent.payment.id);
    const proof = await world.services.books.receiptProof(recentReceipt.body.id);
    expect(verifyInclusion(proof.leafIndex!, proof.head!.size, receiptLeafHash(recentReceipt), proof.path.map(hash), hash(proof.head!.root))).toBe(true);
  });

  it("still finds a change: a body removed without the retention mark, a dropped receipt's leaf changed, a kept one's amount edited", async () => {
    expect((await check()).findings).toEqual([]);
    const [kept] = await world.deps.db.select<{ id: string; body: string; leafIndex: unknown }>(
      "SELECT id, body, leafIndex FROM receipts WHERE body IS NOT NULL AND leafIndex IS NOT NULL ORDER BY leafIndex DESC LIMIT 1",
      [],
    );
    await world.deps.db.write("UPDATE receipts SET body = NULL WHERE id = ?", [kept.id]);
    expect((await check()).findings).toEqual([expect.objectContaining({ receiptId: kept.id, problem: expect.stringMatching(/not marked dropped/) })]);
    await world.deps.db.write("UPDATE receipts SET body = ? WHERE id = ?", [kept.body, kept.id]);

    await world.deps.db.write("UPDATE receipts SET body = ? WHERE id = ?", [kept.body.replace(/"amount":(\d+)/, '"amount":1'), kept.id]);
    expect((await check()).findings[0]).toMatchObject({ receiptId: kept.id, problem: expect.stringMatching(/signature does not verify/) });
    await world.deps.db.write("UPDATE receipts SET body = ? WHERE id = ?", [kept.body, kept.id]);

    const [dropped] = await world.deps.db.select<{ leafIndex: unknown }>("SELECT leafIndex FROM receipts WHERE droppedAt IS NOT NULL ORDER BY leafIndex LIMIT 1", []);
    const [leaf] = await world.deps.db.select<{ hash: string }>("SELECT hash FROM merkle_nodes WHERE level = 0 AND idx = ?", [Number(dropped.leafIndex)]);
    await world.deps.db.write("UPDATE merkle_nodes SET hash = ? WHERE level = 0 AND idx = ?", ["A".repeat(43), Number(dropped.leafIndex)]);
    const findings = (await check()).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0].problem).toMatch(/does not match the books recomputed/);
    await world.deps.db.write("UPDATE merkle_nodes SET hash = ? WHERE level = 0 AND idx = ?", [leaf.hash, Number(dropped.leafIndex)]);
    expect((await check()).findings).toEqual([]);
  });
});
