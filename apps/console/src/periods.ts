/** Periods as the API says them (`102026`, `2025-26`) and as staff read and pick them (`10/2026`, `AY 2025-26`). */

const GST = /^(\d{2})(\d{4})$/;
const AY = /^(\d{4})-(\d{2})$/;

/** `102026` → `10/2026`; an assessment year (`2025-26`) stays as it is; null → ''. */
export function formatPeriod(p: string | null | undefined): string {
  if (!p) return '';
  const gst = GST.exec(p);
  return gst ? `${gst[1]}/${gst[2]}` : p;
}

/** What a person types (`10/2026`, `10-2026`, `102026`, `2025-26`) as the API's period, or null if unreadable. */
export function parsePeriod(text: string): string | null {
  const t = text.trim();
  const gst = /^(\d{1,2})\s*[/.-]?\s*(\d{4})$/.exec(t);
  if (gst && !AY.test(t)) {
    const month = Number(gst[1]);
    if (month < 1 || month > 12) return null;
    return `${String(month).padStart(2, '0')}${gst[2]}`;
  }
  const ay = AY.exec(t);
  if (ay && (Number(ay[1]) + 1) % 100 === Number(ay[2])) return t;
  return null;
}

/** The `count` GST months ending at `latest` (MMYYYY), newest first. */
export function gstMonths(latest: string, count: number): string[] {
  const m = GST.exec(latest);
  if (!m) return [];
  let month = Number(m[1]);
  let year = Number(m[2]);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(`${String(month).padStart(2, '0')}${year}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return out;
}

/** The `count` assessment years ending at `latest` (YYYY-YY), newest first. */
export function assessmentYears(latest: string, count: number): string[] {
  const m = AY.exec(latest);
  if (!m) return [];
  const first = Number(m[1]);
  return Array.from({ length: count }, (_, i) => {
    const y = first - i;
    return `${y}-${String((y + 1) % 100).padStart(2, '0')}`;
  });
}

/** Comparable key of a GST period (`YYYYMM`). */
function gstKey(p: string): string {
  const m = GST.exec(p);
  return m ? `${m[2]}${m[1]}` : '';
}

/** The later of two GST periods. */
export function laterGst(a: string, b: string): string {
  return gstKey(a) >= gstKey(b) ? a : b;
}

/** True when GST period `a` comes after `b`. */
export function gstAfter(a: string, b: string): boolean {
  return gstKey(a) > gstKey(b);
}

export interface PeriodCatalogueEntry {
  id: string;
  portal: string;
  defaultPeriod: string | null;
}

export interface PeriodChoices {
  /** Months offered, newest first: up to the latest closed month. */
  gstOptions: string[];
  /** The default: the latest GSTR-2B that exists (the 14th of the next month), so every GST category has data. */
  gstDefault: string | null;
  /** The latest GSTR-2B generated: months after it are offered but marked. */
  gstr2bLatest: string | null;
  itrOptions: string[];
  itrDefault: string | null;
}

/** The period pickers' options and defaults, from the catalogue's default periods (`GET /v1/categories`). */
export function periodChoices(
  catalogue: readonly PeriodCatalogueEntry[],
  months = 24,
  years = 6,
): PeriodChoices {
  const gst = catalogue.filter((c) => c.portal === 'gst' && c.defaultPeriod && GST.test(c.defaultPeriod));
  const latest = gst.reduce<string | null>(
    (acc, c) => (acc ? laterGst(acc, c.defaultPeriod!) : c.defaultPeriod),
    null,
  );
  const gstr2b = catalogue.find((c) => c.id === 'gst.gstr2b')?.defaultPeriod ?? null;
  const itr = catalogue.find((c) => c.portal === 'itr' && c.defaultPeriod && AY.test(c.defaultPeriod));
  return {
    gstOptions: latest ? gstMonths(latest, months) : [],
    gstDefault: gstr2b ?? latest,
    gstr2bLatest: gstr2b,
    itrOptions: itr?.defaultPeriod ? assessmentYears(itr.defaultPeriod, years) : [],
    itrDefault: itr?.defaultPeriod ?? null,
  };
}
