/** Date helpers; the sandbox works in UTC throughout (IST offsets are irrelevant to its behaviour). */
export const DAY_MS = 24 * 60 * 60 * 1000;
export const WEEK_MS = 7 * DAY_MS;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `DD-MM-YYYY`, the GST portal's date format. */
export function gstDate(d: Date): string {
  return `${pad(d.getUTCDate())}-${pad(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

/** `YYYY-MM-DD`. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** ISO 8601 to the second, e.g. `2025-07-01T10:15:30Z`. */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function utc(year: number, month1: number, day: number): Date {
  return new Date(Date.UTC(year, month1 - 1, day));
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/** A GST return period `MMYYYY` as month (1-12) and year. */
export interface ReturnPeriod {
  month: number;
  year: number;
}

export function parsePeriod(mmyyyy: string): ReturnPeriod {
  return { month: Number(mmyyyy.slice(0, 2)), year: Number(mmyyyy.slice(2, 6)) };
}

export function formatPeriod(p: ReturnPeriod): string {
  return `${pad(p.month)}${p.year}`;
}

export function previousPeriod(p: ReturnPeriod): ReturnPeriod {
  return p.month === 1 ? { month: 12, year: p.year - 1 } : { month: p.month - 1, year: p.year };
}

export function daysInMonth(p: ReturnPeriod): number {
  return new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
}
