import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]*$/;

/** Reads shell `KEY=value` lines (optionally single- or double-quoted values); missing file → {}. */
export function readEnvFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m?.[1]) continue;
    let value = (m[2] ?? '').trim();
    if (/^'.*'$/.test(value)) value = value.slice(1, -1).replace(/'\\''/g, "'");
    else if (/^".*"$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

/** Writes `KEY=value` lines a shell can `source`, atomically (a reader never sees half a file). */
export function writeEnvFile(file: string, values: Record<string, string>): void {
  const body = Object.entries(values)
    .map(([k, v]) => `${k}=${SAFE.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`}`)
    .join('\n');
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${body}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
