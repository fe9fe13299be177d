/** How close a notice's reply is due, in words (never colour alone) and as a kind the page styles. */

export type DueKind = 'overdue' | 'soon' | 'later' | 'none';

export interface DueState {
  kind: DueKind;
  /** Whole days from today to the due date (negative: overdue); null without a due date. */
  days: number | null;
  label: string;
}

/** A due date this many days away or fewer (today included) counts as soon. */
export const SOON_DAYS = 7;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(iso: string): number | null {
  const m = ISO.exec(iso);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : null;
}

/** Today's date where the person is (`YYYY-MM-DD`). */
export function localToday(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** A due date (`YYYY-MM-DD`) against today: overdue, due within 7 days, later, or none. */
export function dueState(dueDate: string | null, today: string): DueState {
  const due = dueDate ? dayNumber(dueDate) : null;
  const now = dayNumber(today);
  if (due === null || now === null) return { kind: 'none', days: null, label: 'No due date' };
  const days = due - now;
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (days < 0) return { kind: 'overdue', days, label: `Overdue by ${plural(-days)}` };
  if (days === 0) return { kind: 'soon', days, label: 'Due today' };
  if (days <= SOON_DAYS) return { kind: 'soon', days, label: `Due in ${plural(days)}` };
  return { kind: 'later', days, label: `Due in ${plural(days)}` };
}

/** `2026-05-30` → `30/05/2026` (how staff in India write dates). */
export function formatDate(iso: string | null): string {
  const m = iso ? ISO.exec(iso) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '—';
}
