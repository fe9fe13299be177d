/**
 * Summarises `.cpuprofile` files: per file, the share of samples spent in each function itself (self time),
 * per source area (our apps/libs, node_modules package, node internals, idle/GC) and, of the busy samples,
 * in each function with what it calls (inclusive: a cost spread over many small functions shows there).
 * `--last <s>`: only the profile's last seconds (a bench's load window, without the start-up).
 * Usage: node -r @swc-node/register bench/lib/profile-top.ts <file.cpuprofile>… [--top 25] [--last 17]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const own = /\/work\/[^/]+\/((?:apps|libs)\/[^/]+)/.exec(url) ?? /((?:apps|libs)\/[^/]+)\//.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url;
}

const frameKey = ({ functionName, url, lineNumber }: Node['callFrame']): string =>
  `${functionName || '(anonymous)'} ${url.replace(/.*\/(node_modules|apps|libs)\//, '$1/')}:${lineNumber + 1}`;

export function summarise(file: string, top: number, lastSeconds?: number): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  // Sample i was taken at the sum of the deltas up to it; keep those in the last `lastSeconds`.
  const at: number[] = [];
  p.timeDeltas.reduce((t, d, i) => (at[i] = t + d), 0);
  const from = lastSeconds ? (at[at.length - 1] ?? 0) - lastSeconds * 1e6 : -Infinity;
  const selfUs = new Map<number, number>();
  const inclusiveUs = new Map<string, number>();
  let busyUs = 0;
  p.samples.forEach((id, i) => {
    if (at[i] < from) return;
    const us = p.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + us);
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    busyUs += us;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
      const key = frameKey((byId.get(n) as Node).callFrame);
      if (seen.has(key) || key.startsWith('(root)')) continue;
      seen.add(key);
      inclusiveUs.set(key, (inclusiveUs.get(key) ?? 0) + us);
    }
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url } = n.callFrame;
    const key = frameKey(n.callFrame);
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const idle = (byArea.get('(idle)') ?? 0) / total;
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
  const lines = [
    `== ${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled${lastSeconds ? ` (the last ${lastSeconds} s)` : ''}, ${(100 * (1 - idle)).toFixed(0)}% busy`,
  ];
  lines.push('-- by area');
  for (const [k, v] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`${pct(v)}  ${k}`);
  lines.push('-- by function (self)');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(v)}  ${k}`);
  lines.push('-- by function with what it calls (share of busy time)');
  const ofBusy = (us: number) => `${((100 * us) / Math.max(busyUs, 1)).toFixed(1)}%`.padStart(6);
  for (const [k, v] of [...inclusiveUs].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`${ofBusy(v)}  ${k}`);
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args[t + 1]) : 25;
  const l = args.indexOf('--last');
  const last = l >= 0 ? Number(args[l + 1]) : undefined;
  if (last !== undefined && !(last > 0))
    throw new Error(`--last takes a number of seconds > 0, got ${args[l + 1]}`);
  const files = args.filter((a) => a.endsWith('.cpuprofile'));
  for (const f of files) console.log(`${summarise(f, top, last)}\n`);
}
