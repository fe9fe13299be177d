// What the SRE dashboards and Prometheus rules ask of the services: the metric names in their PromQL, checked by
// sre-dashboards.e2e-spec.ts against the live /metrics of a running stack.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  'inf',
  'nan',
]);
/** Clauses followed by a parenthesised list of label names, not an expression. */
const LABEL_LIST = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * Metric names a PromQL expression selects: identifiers that are not functions or aggregations (followed by
 * `(`), keywords, label names (inside `{…}` or a `by (…)` list), strings, ranges/durations (`[…]`), numbers or
 * Grafana variables (`$portal`, `$__rate_interval`).
 */
export function metricNames(expr: string): string[] {
  const src = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/#[^\n]*/g, ' ');
  const names = new Set<string>();
  // Variables, identifiers, durations (`5m`, `1h30m`, after `offset`), numbers, any other character.
  const token = /\$\{?[A-Za-z_]\w*\}?|[A-Za-z_:][\w:]*|(?:\d+(?:ms|[smhdwy]))+|\d*\.?\d+(?:e[+-]?\d+)?|\S/gi;
  const tokens: string[] = src.match(token) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.startsWith('$') || !/^[A-Za-z_:]/.test(t)) continue;
    if (LABEL_LIST.has(t.toLowerCase()) && tokens[i + 1] === '(') {
      const close = tokens.indexOf(')', i + 1);
      i = close < 0 ? tokens.length : close;
      continue;
    }
    // A function or aggregation: `rate(`, `sum(`, or `sum by (…) (`.
    const next = tokens[i + 1]?.toLowerCase();
    const aggregation = (next === 'by' || next === 'without') && tokens[i + 2] === '(';
    if (KEYWORDS.has(t.toLowerCase()) || next === '(' || aggregation) continue;
    names.add(t);
  }
  return [...names];
}

/** `record:` name → its expression, and every alert's expression, from Prometheus rule files (our YAML style). */
export function readRules(dir: string): { records: Map<string, string>; alerts: Map<string, string> } {
  const records = new Map<string, string>();
  const alerts = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rules.yml'))) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    let current: { kind: 'record' | 'alert'; name: string } | null = null;
    for (let i = 0; i < lines.length; i++) {
      const head = /^\s*- (record|alert): (\S+)/.exec(lines[i]);
      if (head) current = { kind: head[1] as 'record' | 'alert', name: head[2] };
      const expr = /^(\s*)expr: ?(.*)$/.exec(lines[i]);
      if (!expr || !current) continue;
      let text = expr[2];
      if (text === '|' || text === '>') {
        const block: string[] = [];
        while (i + 1 < lines.length && (lines[i + 1].trim() === '' || indent(lines[i + 1]) > expr[1].length))
          block.push(lines[++i]);
        text = block.join('\n');
      }
      (current.kind === 'record' ? records : alerts).set(current.name, text.trim());
    }
  }
  return { records, alerts };
}

function indent(line: string): number {
  return line.length - line.trimStart().length;
}

/** Metric names an expression needs from the services, recording rules replaced by what they read. */
export function exportedNamesNeeded(
  expr: string,
  records: ReadonlyMap<string, string>,
  seen = new Set<string>(),
): string[] {
  const out = new Set<string>();
  for (const name of metricNames(expr)) {
    const rule = records.get(name);
    if (rule === undefined) out.add(name);
    else if (!seen.has(name))
      for (const n of exportedNamesNeeded(rule, records, new Set([...seen, name]))) out.add(n);
  }
  return [...out];
}

/** Every target expression of a Grafana dashboard (panels inside rows included), with its panel's title. */
export function dashboardQueries(dashboard: unknown): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  const visit = (panels: unknown): void => {
    for (const p of Array.isArray(panels) ? (panels as Record<string, unknown>[]) : []) {
      for (const t of Array.isArray(p['targets']) ? (p['targets'] as Record<string, unknown>[]) : [])
        if (typeof t['expr'] === 'string') out.push({ panel: String(p['title']), expr: t['expr'] });
      visit(p['panels']);
    }
  };
  visit((dashboard as { panels?: unknown }).panels);
  const vars =
    (dashboard as { templating?: { list?: { name: string; query?: unknown }[] } }).templating?.list ?? [];
  for (const v of vars) {
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    // label_values(metric{…}, label): the metric is the first argument.
    const m = q ? /label_values\(([^,]+),/.exec(q) : null;
    if (m) out.push({ panel: `variable $${v.name}`, expr: m[1] });
  }
  return out;
}

/**
 * Names a Prometheus exposition offers, histogram and summary series included under both their base name and
 * their `_bucket` / `_sum` / `_count` series.
 */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      names.add(type[1]);
      if (type[2] === 'histogram' || type[2] === 'summary')
        for (const s of ['_bucket', '_sum', '_count']) names.add(`${type[1]}${s}`);
    } else if (/^[A-Za-z_:]/.test(line)) {
      names.add(/^[A-Za-z_:][\w:]*/.exec(line)?.[0] ?? '');
    }
  }
  return names;
}
