/**
 * `npm run bench`: runs every `bench/*.bench.ts` in name order, prints one table of figures and writes
 * them to `bench/results/<YYYY-MM-DD>.json`. A bench module exports `run(): Promise<Figure[]>`.
 * Figures are measurements of this machine, not assertions: nothing here fails on a slow figure.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  note?: string;
}

interface BenchModule {
  run(): Promise<Omit<Figure, 'bench'>[]>;
}

function isBenchModule(value: unknown): value is BenchModule {
  return typeof value === 'object' && value !== null && 'run' in value && typeof value.run === 'function';
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [f.bench, f.name, String(f.value), f.unit, f.note ?? '']);
  const header = ['bench', 'figure', 'value', 'unit', 'how'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (!only || f.startsWith(only)))
    .sort();
  const figures: Figure[] = [];
  for (const file of files) {
    const bench = file.replace(/\.bench\.ts$/, '');
    console.log(`running ${bench}…`);
    const mod: unknown = await import(join(__dirname, file));
    if (!isBenchModule(mod)) throw new Error(`${file} does not export run()`);
    for (const figure of await mod.run()) figures.push({ bench, ...figure });
  }
  printTable(figures);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
  };
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const out = join(__dirname, 'results', `${date}.json`);
  // A partial run (`npm run bench -- pipeline`) replaces only its own benches' figures in the day's file.
  const ran = new Set(figures.map((f) => f.bench));
  const kept = existsSync(out)
    ? (JSON.parse(readFileSync(out, 'utf8')) as { figures: Figure[] }).figures.filter(
        (f) => !ran.has(f.bench),
      )
    : [];
  const all = [...kept, ...figures];
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, figures: all }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
