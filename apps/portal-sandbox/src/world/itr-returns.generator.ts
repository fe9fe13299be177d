import { addDays, isoDate, utc } from './dates';
import type { Rng } from './prng';
import { rngFor } from './prng';

/** Return statuses as the e-filing portal words them (portals.md). */
export const ITR_STATUS = {
  submitted: { efileStatus: 'SUBMITTED', statusDesc: 'Submitted and pending for e-verification' },
  everified: { efileStatus: 'EVERIFIED', statusDesc: 'Successfully e-Verified' },
  itrvReceived: { efileStatus: 'ITRV_RECEIVED', statusDesc: 'ITR-V Received' },
  processed: { efileStatus: 'PROCESSED', statusDesc: 'ITR Processed' },
  defective: { efileStatus: 'DEFECTIVE', statusDesc: 'Defective' },
  transferredToAo: { efileStatus: 'TRANSFERRED_TO_AO', statusDesc: 'Case transferred to AO' },
} as const;

export type ItrStatusKey = keyof typeof ITR_STATUS;

/** One status a return reaches, and when. */
export interface ItrStatusStep {
  status: ItrStatusKey;
  at: Date;
}

/** A filed return with its whole future: the clock decides how much of it is visible. */
export interface ItrTimeline {
  assessmentYear: number;
  ackNum: string;
  formTypeCd: string;
  steps: ItrStatusStep[];
}

export interface FiledReturn {
  assmentYear: string;
  ackNum: string;
  ackDt: string;
  formTypeCd: string;
  efileStatus: string;
  statusDesc: string;
  statusDate: string;
}

/** Assessment years shown by the filing-status list (the current one and the three before it). */
export const ITR_YEARS_SHOWN = 4;

/** AY `Y` (4-digit, as the ERI API writes it) starts on 1 April of Y. */
export function currentAssessmentYear(now: Date): number {
  return now.getUTCMonth() >= 3 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
}

function formFor(rng: Rng, pan: string): string {
  switch (pan[3]) {
    case 'P':
      return rng.weighted({ 'ITR-1': 50, 'ITR-2': 20, 'ITR-3': 15, 'ITR-4': 15 });
    case 'H':
      return rng.pick(['ITR-2', 'ITR-3']);
    case 'C':
      return 'ITR-6';
    case 'T':
      return 'ITR-7';
    default:
      return 'ITR-5';
  }
}

/** When a return for AY `ay` is filed: mostly around the 31 July due date, some belated up to December. */
function filingDate(rng: Rng, ay: number): Date {
  const when = rng.weighted({ early: 10, onTime: 70, belated: 20 });
  if (when === 'early') return addDays(utc(ay, 6, 1), rng.int(0, 13) + rng.next());
  if (when === 'onTime') return addDays(utc(ay, 6, 15), rng.int(0, 46) + rng.next());
  return addDays(utc(ay, 8, 1), rng.int(0, 152) + rng.next());
}

function statusSteps(rng: Rng, filed: Date): ItrStatusStep[] {
  const steps: ItrStatusStep[] = [{ status: 'submitted', at: filed }];
  const verification = rng.weighted({ everified: 85, itrvReceived: 8, never: 7 });
  if (verification === 'never') return steps;
  const verified = addDays(filed, verification === 'everified' ? rng.range(0, 20) : rng.range(10, 40));
  steps.push({ status: verification, at: verified });
  const next = rng.weighted({ processed: 85, defective: 5, transferredToAo: 3, none: 7 });
  if (next === 'none') return steps;
  const delay =
    next === 'processed' ? rng.range(7, 150) : next === 'defective' ? rng.range(20, 90) : rng.range(30, 200);
  steps.push({ status: next, at: addDays(verified, delay) });
  return steps;
}

/** The return a PAN files (or not) for one assessment year, independent of the clock. */
export function itrTimeline(worldSeed: string, pan: string, ay: number): ItrTimeline | null {
  const profile = rngFor(worldSeed, 'itr-profile', pan);
  if (profile.chance(0.08)) return null;
  const fileProbability = profile.range(0.6, 1);
  const rng = rngFor(worldSeed, 'itr-year', pan, ay);
  if (!rng.chance(fileProbability)) return null;
  const filed = filingDate(rng, ay);
  const ackNum = `${rng.int(1, 9)}${rng.chars('0123456789', 14)}`;
  return { assessmentYear: ay, ackNum, formTypeCd: formFor(rng, pan), steps: statusSteps(rng, filed) };
}

/** What the filing-status list shows at `now`: returns filed so far, each at its latest status. */
export function filedReturns(worldSeed: string, pan: string, now: Date): FiledReturn[] {
  const latestAy = currentAssessmentYear(now);
  const out: FiledReturn[] = [];
  for (let ay = latestAy; ay > latestAy - ITR_YEARS_SHOWN; ay--) {
    const timeline = itrTimeline(worldSeed, pan, ay);
    if (!timeline) continue;
    const reached = timeline.steps.filter((s) => s.at.getTime() <= now.getTime());
    if (reached.length === 0) continue;
    const latest = reached[reached.length - 1];
    out.push({
      assmentYear: String(ay),
      ackNum: timeline.ackNum,
      ackDt: isoDate(timeline.steps[0].at),
      formTypeCd: timeline.formTypeCd,
      ...ITR_STATUS[latest.status],
      statusDate: isoDate(latest.at),
    });
  }
  return out;
}
