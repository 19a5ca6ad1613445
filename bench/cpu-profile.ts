// Summarises a V8 CPU profile (`node --cpu-prof`): self time per function, and per area (the
// package or folder of our code it lives in), over the whole profile.
//
//   node --import tsx bench/cpu-profile.ts FILE.cpuprofile [--top 25]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" } },
});
const profile = JSON.parse(readFileSync(positionals[0], "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
const totalUs = profile.endTime - profile.startTime;

/** Where a function lives: a package, one of our folders, node's internals, or V8's own entries. */
function area(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const ours = url.match(/\/(core\/[^/]+|bot\/[^/]+|bench|test\/[^/]+\/[^/]+|app|config)\//);
  return ours ? ours[1] : url.replace(/^file:\/\//, "");
}

const fns = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^file:\/\/.*?\/(node_modules\/|(?=core|bot|bench|app|config|test))/, "");
  const key = `${functionName || "(anonymous)"}  ${file ? `${file}:${lineNumber + 1}` : ""}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const a = area(url, functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
}
const pct = (us: number) => `${((us / totalUs) * 100).toFixed(1).padStart(5)} %`;
const top = Number(values.top);
process.stdout.write(`profile: ${(totalUs / 1e6).toFixed(1)} s, ${profile.samples.length} samples\n`);
process.stdout.write(`\nself time by area:\n`);
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top))
  process.stdout.write(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${a}\n`);
process.stdout.write(`\nself time by function (top ${top}):\n`);
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top))
  process.stdout.write(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${f}\n`);
