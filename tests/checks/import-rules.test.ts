import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

/**
 * The import rules (.dependency-cruiser.js) fail a tree that breaks them: the house's own
 * tree passes (`npm run check:imports` checks it in .ci/run), and a small tree laid out
 * like the house, with one circle and one door opened the wrong way, is refused by name.
 */
const ROOT = join(__dirname, "..", "..");
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");
const CONFIG = join(ROOT, ".dependency-cruiser.js");
const run = promisify(execFile);

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** The violations depcruise finds in `folders` of `cwd`, with the house's rules. */
async function violations(cwd: string, folders: string[]): Promise<Violation[]> {
  const args = [...folders, "--config", CONFIG, "--output-type", "json"];
  const output = await run(DEPCRUISE, args, { cwd, maxBuffer: 64 * 1024 * 1024 }).then(
    (done) => done.stdout,
    // depcruise exits with the number of errors: its report is still on stdout.
    (failed: { stdout?: string }) => failed.stdout ?? "",
  );
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

describe("the import rules", () => {
  let tree: string;

  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), "wallet-center-import-rules-"));
    const files: Record<string, string> = {
      "tsconfig.test.json": JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }),
      // A circle inside the kernel.
      "src/services/kernel/first.ts": 'import { second } from "./second";\nexport const first = () => second;\n',
      "src/services/kernel/second.ts": 'import type { first } from "./first";\nexport const second = (f?: typeof first) => f;\n',
      // Payments reaching up into bills.
      "src/services/bills/bill.service.ts": "export const billRule = 1;\n",
      "src/services/payments/payment.service.ts": 'import { billRule } from "../bills/bill.service";\nexport const paymentRule = billRule;\n',
      // Bills reaching down into payments: allowed.
      "src/services/bills/pay-by-card.ts": 'import { paymentRule } from "../payments/payment.service";\nexport const byCard = paymentRule;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it("refuse a circle of imports and a domain importing one above it, and nothing else", async () => {
    const found = (await violations(tree, ["src"])).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    // depcruise names a circle once, by the edge it met first.
    expect(found).toEqual([
      "domain-order-payments: src/services/payments/payment.service.ts -> src/services/bills/bill.service.ts",
      expect.stringMatching(/^no-circular: src\/services\/kernel\/(first|second)\.ts -> src\/services\/kernel\/(first|second)\.ts$/),
    ]);
  });

  it("pass the house's own tree", async () => {
    expect(await violations(ROOT, ["src", "clients", "apps", "scripts", "bench"])).toEqual([]);
  });
});
