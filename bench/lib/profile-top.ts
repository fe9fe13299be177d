/**
 * Summarises `.cpuprofile` files: per file, the share of samples spent in each function itself (self time)
 * and per source area (our apps/libs, node_modules package, node internals, idle/GC).
 * Usage: node -r @swc-node/register bench/lib/profile-top.ts <file.cpuprofile>… [--top 25]
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

export function summarise(file: string, top: number): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/.*\/(node_modules|apps|libs)\//, '$1/')}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const idle = (byArea.get('(idle)') ?? 0) / total;
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
  const lines = [
    `== ${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${(100 * (1 - idle)).toFixed(0)}% busy`,
  ];
  lines.push('-- by area');
  for (const [k, v] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`${pct(v)}  ${k}`);
  lines.push('-- by function (self)');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(v)}  ${k}`);
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args[t + 1]) : 25;
  // Without --top, t + 1 is 0: the first file must not be skipped as --top's value.
  const files = args.filter((a, i) => a.endsWith('.cpuprofile') && (t < 0 || i !== t + 1));
  for (const f of files) console.log(`${summarise(f, top)}\n`);
}
