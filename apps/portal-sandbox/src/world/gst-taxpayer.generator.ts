import type { ReturnPeriod } from './dates';
import { addDays, formatPeriod, gstDate, parsePeriod, utc } from './dates';
import { rngFor } from './prng';

/** Access windows a taxpayer may enable on the portal (6 h to 30 days), in hours. */
const ACCESS_WINDOWS_HOURS = [6, 24, 72, 168, 360, 720] as const;

/** How long API access stays open after the OTP for this GSTIN (stable per GSTIN). */
export function accessWindowHours(worldSeed: string, gstin: string): number {
  return rngFor(worldSeed, 'gst-access', gstin).pick(ACCESS_WINDOWS_HOURS);
}

export function nextPeriod(p: ReturnPeriod): ReturnPeriod {
  return p.month === 12 ? { month: 1, year: p.year + 1 } : { month: p.month + 1, year: p.year };
}

export interface FilingDates {
  gstr1: Date;
  gstr3b: Date;
}

/**
 * When the GSTIN files GSTR-1 (due the 11th of the next month) and GSTR-3B (due the 20th) for `rtnprd`:
 * most on time, some late. Independent of the clock: the register reveals them as it passes.
 */
export function filingDates(worldSeed: string, gstin: string, rtnprd: string): FilingDates {
  const rng = rngFor(worldSeed, 'gst-filing', gstin, rtnprd);
  const discipline = rngFor(worldSeed, 'gst-discipline', gstin).range(0.6, 0.98);
  const next = nextPeriod(parsePeriod(rtnprd));
  const due = (day: number): Date => addDays(utc(next.year, next.month, day), rng.next());
  const late = (): number => rng.int(1, 45);
  const gstr1 = rng.chance(discipline) ? addDays(due(11), -rng.int(0, 8)) : addDays(due(11), late());
  const gstr3b = rng.chance(discipline) ? addDays(due(20), -rng.int(0, 6)) : addDays(due(20), late());
  return { gstr1, gstr3b };
}

export interface FiledReturnEntry {
  valid: 'Y';
  mof: 'ONLINE';
  dof: string;
  ret_prd: string;
  rtntype: 'GSTR1' | 'GSTR3B';
  arn: string;
  status: 'Filed';
}

function arnFor(worldSeed: string, gstin: string, rtnprd: string, type: string, dof: Date): string {
  const rng = rngFor(worldSeed, 'gst-arn', gstin, rtnprd, type);
  const mmyy = `${gstDate(dof).slice(3, 5)}${String(dof.getUTCFullYear()).slice(2)}`;
  return `AA${gstin.slice(0, 2)}${mmyy}${rng.chars('0123456789', 7)}${rng.chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}`;
}

/** The periods of a financial year `YYYY-YY` (April to March). */
export function periodsOfFinancialYear(fy: string): string[] {
  const start = Number(fy.slice(0, 4));
  return Array.from({ length: 12 }, (_, i) =>
    formatPeriod(i < 9 ? { month: i + 4, year: start } : { month: i - 8, year: start + 1 }),
  );
}

/** RETTRACK: returns of the financial year filed by `now`, latest filing first, optionally one type only. */
export function returnRegister(
  worldSeed: string,
  gstin: string,
  fy: string,
  now: Date,
  type?: 'R1' | 'R3B',
): FiledReturnEntry[] {
  const out: { at: number; entry: FiledReturnEntry }[] = [];
  for (const rtnprd of periodsOfFinancialYear(fy)) {
    const dates = filingDates(worldSeed, gstin, rtnprd);
    const kinds: ['GSTR1' | 'GSTR3B', Date][] = [];
    if (type !== 'R3B') kinds.push(['GSTR1', dates.gstr1]);
    if (type !== 'R1') kinds.push(['GSTR3B', dates.gstr3b]);
    for (const [rtntype, dof] of kinds) {
      if (dof.getTime() > now.getTime()) continue;
      const arn = arnFor(worldSeed, gstin, rtnprd, rtntype, dof);
      const entry: FiledReturnEntry = {
        valid: 'Y',
        mof: 'ONLINE',
        dof: gstDate(dof),
        ret_prd: rtnprd,
        rtntype,
        arn,
        status: 'Filed',
      };
      out.push({ at: dof.getTime(), entry });
    }
  }
  // Newest filing first: what the clock reveals is always added at the top.
  return out.sort((a, b) => b.at - a.at).map((o) => o.entry);
}
