/**
 * Dates as the portals give them, made ISO (`YYYY-MM-DD`). GST answers `DD-MM-YYYY`, the Income Tax portal
 * `YYYY-MM-DD` (sometimes with a time), and older screens `DD/MM/YYYY` or `DD-Mon-YYYY`. A calendar date is
 * what a firm acts on, so an instant keeps the date as written (the portals write Indian dates).
 */
export const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function iso(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2999) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null; // 31-02, 29-02 of a common year
  return d.toISOString().slice(0, 10);
}

/** The ISO date (`YYYY-MM-DD`) a portal's date means, or null when it is not a real calendar date. */
export function toIsoDate(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ,]+(\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2].toLowerCase());
    return month < 0 ? null : iso(Number(m[3]), month + 1, Number(m[1]));
  }
  return null;
}
