import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One meaning for the `.service.ts` suffix: the file holds a class that the wiring
 * (src/services/index.ts) puts in the `Services` bag, which resolvers and the scheduler
 * reach as `services.<name>`. A class the wiring makes but keeps to itself (a helper, a
 * port) lives in a file without the suffix.
 */
const wiring = readFileSync(join(__dirname, "../../src/services/index.ts"), "utf8");

/** Each class the wiring imports, with the file it comes from. */
function importedClasses(): Map<string, string> {
  const classes = new Map<string, string>();
  for (const [, names, file] of wiring.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    for (const name of names.split(",").map((n) => n.trim())) {
      if (/^[A-Z]/.test(name) && !name.startsWith("type ")) classes.set(name, file);
    }
  }
  return classes;
}

/** The classes whose instances the bag (the object `createServices` returns) holds. */
function classesInTheBag(): Set<string> {
  const bag = wiring.slice(wiring.lastIndexOf("return {"));
  const classOfVariable = new Map([...wiring.matchAll(/const (\w+) = new (\w+)\(/g)].map(([, variable, cls]) => [variable, cls]));
  const inBag = new Set<string>();
  for (const [, cls] of bag.matchAll(/^\s+\w+: new (\w+)\(/gm)) inBag.add(cls);
  for (const [, variable] of bag.matchAll(/^\s+(\w+),$/gm)) {
    const cls = classOfVariable.get(variable);
    if (cls) inBag.add(cls);
  }
  return inBag;
}

describe("the .service.ts suffix", () => {
  const classes = importedClasses();
  const inBag = classesInTheBag();

  it("finds the wiring's classes and its bag", () => {
    expect(classes.size).toBeGreaterThan(20);
    expect(inBag.has("PaymentService")).toBe(true);
  });

  it.each([...classes])("%s comes from a .service.ts file exactly when the bag holds it", (cls, file) => {
    expect({ cls, file, inBag: inBag.has(cls) }).toEqual({ cls, file, inBag: file.endsWith(".service") });
  });
});
