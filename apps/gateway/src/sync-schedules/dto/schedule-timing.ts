/** `every` is an ISO 8601 duration; anything under five minutes would only hammer the portals. */
const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const MIN_EVERY_SECONDS = 5 * 60;

export function everyProblem(value: string): string | null {
  const m = DURATION.exec(value);
  if (!m) return 'must be an ISO 8601 duration, e.g. PT6H or P1D';
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  const seconds = (((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s;
  return seconds >= MIN_EVERY_SECONDS ? null : 'must be at least PT5M';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

/** A five-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC. */
export function cronProblem(value: string): string | null {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 5)
    return 'must have 5 fields: minute hour day-of-month month day-of-week, e.g. 0 6 * * 1';
  for (let i = 0; i < 5; i++) {
    const field = FIELDS[i];
    for (const item of parts[i].split(',')) {
      if (!cronItemValid(item.toUpperCase(), field)) return `has an invalid ${field.name} "${item}"`;
    }
  }
  return null;
}

function cronItemValid(item: string, field: (typeof FIELDS)[number]): boolean {
  const m = /^(\*|[0-9A-Z]+(?:-[0-9A-Z]+)?)(?:\/(\d+))?$/.exec(item);
  if (!m) return false;
  if (m[2] !== undefined && Number(m[2]) < 1) return false;
  if (m[1] === '*') return true;
  const bounds = m[1].split('-').map((v) => cronValue(v, field));
  if (bounds.some((b) => b === null)) return false;
  return bounds.length === 1 || (bounds[0] as number) <= (bounds[1] as number);
}

function cronValue(v: string, field: (typeof FIELDS)[number]): number | null {
  const named = field.names?.indexOf(v) ?? -1;
  if (named >= 0) return field.names === MONTHS ? named + 1 : named;
  if (!/^\d+$/.test(v)) return null;
  const n = Number(v);
  return n >= field.min && n <= field.max ? n : null;
}
