import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/**
 * Where a V8 CPU profile (.cpuprofile, from node --cpu-prof) spent its samples: self time
 * by function and by package, top entries first.
 */
export function summarizeProfile(path: string, top = 25): string {
  const profile = JSON.parse(readFileSync(path, "utf8")) as { nodes: ProfileNode[]; samples: number[] };
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (n === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, "");
    const key = `${functionName || "(anonymous)"} ${shortFile(file)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + n);
    const pkg = packageOf(file, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
  }
  const table = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return `samples: ${total}\n\nby package (self time):\n${table(byPackage)}\n\nby function (self time):\n${table(byFunction)}\n`;
}

function shortFile(file: string): string {
  const i = file.lastIndexOf("node_modules/");
  return i >= 0 ? file.slice(i + 13) : file.replace(/^.*\/(dist|src)\//, "$1/");
}

function packageOf(file: string, fn: string): string {
  if (!file) return fn.startsWith("(") ? fn : "(native)";
  const i = file.lastIndexOf("node_modules/");
  if (i < 0) return file.startsWith("node:") ? file : file.includes("/dist/") ? "wallet-center" : file;
  const rest = file.slice(i + 13).split("/");
  return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}

if (require.main === module) process.stdout.write(summarizeProfile(process.argv[2]));
