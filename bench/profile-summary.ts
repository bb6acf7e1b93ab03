import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

/**
 * Where a V8 CPU profile (.cpuprofile, from node --cpu-prof) spent its samples, counting
 * only the last `lastSeconds` of it (the measured phase, not the setup before it): self
 * time by package and by function, and inclusive time by package (a package counts
 * once per sample if any frame of the stack is in it; async callers are not on the
 * stack, so this is what ran synchronously under each package).
 */
export function summarizeProfile(path: string, lastSeconds = Infinity, top = 25): string {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const from = profile.endTime - lastSeconds * 1e6;
  let time = profile.endTime - profile.timeDeltas.reduce((a, b) => a + b, 0);

  const selfByPackage = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByPackage = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let total = 0;
  profile.samples.forEach((id, i) => {
    time += profile.timeDeltas[i];
    if (time < from) return;
    total++;
    const leaf = nodes.get(id)!;
    add(selfByPackage, packageOf(leaf));
    add(selfByFunction, functionOf(leaf));
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(packageOf(nodes.get(n)!));
    for (const pkg of seen) add(inclusiveByPackage, pkg);
  });
  const table = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return (
    `samples: ${total}\n\nby package (self time):\n${table(selfByPackage)}\n\n` +
    `by package (inclusive):\n${table(inclusiveByPackage)}\n\nby function (self time):\n${table(selfByFunction)}\n`
  );
}

function functionOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || "(anonymous)"} ${shortFile(url.replace(/^file:\/\//, ""))}:${lineNumber + 1}`;
}

function shortFile(file: string): string {
  const i = file.lastIndexOf("node_modules/");
  return i >= 0 ? file.slice(i + 13) : file.replace(/^.*\/(dist|src)\//, "$1/");
}

function packageOf(node: ProfileNode): string {
  const file = node.callFrame.url.replace(/^file:\/\//, "");
  const fn = node.callFrame.functionName;
  if (!file) return fn.startsWith("(") ? fn : "(native)";
  const i = file.lastIndexOf("node_modules/");
  if (i < 0) return file.startsWith("node:") ? file : file.includes("/dist/") ? "wallet-center" : file;
  const rest = file.slice(i + 13).split("/");
  return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}

if (require.main === module) process.stdout.write(summarizeProfile(process.argv[2], Number(process.argv[3] ?? Infinity)));
