/** Schedules in staff words: how often (`every`, an ISO 8601 duration), what they cover, why a tick was skipped. */

const UNITS: Array<[key: string, one: string, many: string]> = [
  ['Y', 'year', 'years'],
  ['Mo', 'month', 'months'],
  ['W', 'week', 'weeks'],
  ['D', 'day', 'days'],
  ['H', 'hour', 'hours'],
  ['Mi', 'minute', 'minutes'],
  ['S', 'second', 'seconds'],
];

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** `PT5M` → `every 5 minutes`, `PT1H` → `every hour`, `P1DT6H` → `every 1 day and 6 hours`; null when not one. */
export function everyInWords(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const m = DURATION.exec(iso.trim().toUpperCase());
  if (!m || iso.trim().toUpperCase() === 'P' || /T$/.test(iso.trim())) return null;
  const parts = UNITS.map(([, one, many], i) => ({ n: Number(m[i + 1] ?? 0), one, many })).filter(
    (p) => p.n > 0,
  );
  if (parts.length === 0) return null;
  if (parts.length === 1 && parts[0].n === 1) return `every ${parts[0].one}`;
  const words = parts.map((p) => `${p.n} ${p.n === 1 ? p.one : p.many}`);
  const last = words.pop() as string;
  return `every ${words.length ? `${words.join(', ')} and ${last}` : last}`;
}

export type EveryUnit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months';

export const EVERY_UNITS: Array<{ id: EveryUnit; label: string }> = [
  { id: 'minutes', label: 'minutes' },
  { id: 'hours', label: 'hours' },
  { id: 'days', label: 'days' },
  { id: 'weeks', label: 'weeks' },
  { id: 'months', label: 'months' },
];

/** The form's "every 5 minutes" as the API's duration (`PT5M`); null for a count that is not a whole number ≥ 1. */
export function everyToIso(count: string | number, unit: EveryUnit): string | null {
  const n = typeof count === 'number' ? count : Number(count.trim());
  if (!Number.isInteger(n) || n < 1 || String(count).trim() === '') return null;
  switch (unit) {
    case 'minutes':
      return `PT${n}M`;
    case 'hours':
      return `PT${n}H`;
    case 'days':
      return `P${n}D`;
    case 'weeks':
      return `P${n}W`;
    case 'months':
      return `P${n}M`;
  }
}

/** A schedule's selection in words: `{ tags: ['gst-monthly'] }` → `Clients tagged gst-monthly`. */
export function coverageInWords(
  clients: Record<string, unknown> | null,
  links: Record<string, unknown> | null,
): string {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  if (links) {
    if (links['all'] === true) return 'All branch links';
    const n = list(links['ids']).length;
    return `${n} branch link${n === 1 ? '' : 's'}`;
  }
  if (!clients) return '—';
  if (clients['all'] === true) return 'All clients';
  if (clients['tags']) return `Clients tagged ${list(clients['tags']).join(', ')}`;
  if (clients['offices']) {
    const offices = list(clients['offices']);
    return `Clients of the ${offices.join(', ')} office${offices.length === 1 ? '' : 's'}`;
  }
  const n = list(clients['ids']).length;
  return `${n} chosen client${n === 1 ? '' : 's'}`;
}

export interface Skip {
  text: string;
  runId: string | null;
}

const SKIP_OWN = /previous run ([0-9a-f-]{36}) is still (\w+)/i;
const SKIP_LINKS = /run ([0-9a-f-]{36}) over the same branch links is still (\w+)/i;

/** Why a tick started no run, in staff words, with the run still going to link to. */
export function skipInWords(reason: string | null | undefined): Skip | null {
  if (!reason) return null;
  const own = SKIP_OWN.exec(reason);
  if (own)
    return {
      text: `Skipped: the schedule's previous run was still ${own[2]}, so this time started nothing. The next time runs as usual.`,
      runId: own[1],
    };
  const links = SKIP_LINKS.exec(reason);
  if (links)
    return {
      text: `Skipped: another sync of the same branch links was still ${links[2]}, so this time started nothing. The next time runs as usual.`,
      runId: links[1],
    };
  const text = reason.replace(/^tick skipped:\s*/i, '');
  return { text: `Skipped: ${text}`, runId: null };
}

/** The form fields a problem's `errors[].field` belongs to: `categories[0]` → `categories`, `clients.tags` → `clients`. */
export function fieldOf(field: string): string {
  const head = /^[A-Za-z]+/.exec(field)?.[0] ?? '';
  return head === '' || head === 'body' ? 'form' : head;
}

/** An API field message in staff words: ISO durations read as words (`PT5M (five minutes)` → `five minutes`). */
export function fieldMessage(message: string): string {
  const text = message
    .replace(/\bP(?:T)?[0-9][0-9A-Z]*\s*\(([^)]+)\)/g, '$1')
    .replace(
      /\bP(?:T)?[0-9][0-9A-Z]*\b/g,
      (iso) =>
        everyInWords(iso)
          ?.replace(/^every (?=[a-z])/, 'every 1 ')
          .replace(/^every /, '') ?? iso,
    )
    .replace(/`/g, '');
  return text ? `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}` : text;
}

/** Field errors grouped by form field, in staff words. */
export function fieldErrors(
  errors: ReadonlyArray<{ field: string; message: string }> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors ?? []) (out[fieldOf(e.field)] ??= []).push(fieldMessage(e.message));
  return out;
}

/** A `datetime-local` value (the person's own time) as an ISO instant; null when empty or not a time. */
export function localToIso(local: string): string | null {
  if (!local.trim()) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.000Z$/, 'Z');
}

const ALIASES: Record<string, string> = {
  'gst.all': 'All GST',
  'itr.all': 'All Income Tax',
  'books.masters': 'Masters',
  'books.transactions': 'Transactions',
};

/** A schedule's categories as the Sync Bucket names them (the catalogue's descriptions), ids when unknown. */
export function categoryNames(
  ids: readonly string[],
  catalogue: ReadonlyArray<{ id: string; description: string }>,
): string {
  const byId = new Map(catalogue.map((c) => [c.id, c.description]));
  // Each is a label (a table cell, a list), so it starts with a capital: "Notices and the return filing register".
  const label = (d: string) => `${d.charAt(0).toUpperCase()}${d.slice(1)}`;
  return ids
    .map((id) => {
      const description = byId.get(id);
      return ALIASES[id] ?? (description ? label(description) : id);
    })
    .join(', ');
}
