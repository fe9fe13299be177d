import type { RunTotals } from '@practice-sync/contracts';

/** The part of a logger this needs: Nest's `Logger.log` (INFO) with structured fields and a message. */
export interface ProgressLogger {
  log(fields: Record<string, unknown>, message: string): void;
}

export interface ProgressRun {
  id: string;
  firmId: string;
  /** Set once the fan-out has planned every job: the total will not grow any more. */
  fanOutDoneAt: Date | null;
}

/** A line worth writing: the run's first finished job, a 10% boundary crossed, or all its work finished. */
export type ProgressMark = { kind: 'start' } | { kind: 'progress'; boundary: number } | { kind: 'end' };

/** The share of the run's work that reached an outcome, rounded down; a run with no work is done. */
export function percentDone(totals: RunTotals): number {
  return totals.work === 0 ? 100 : Math.floor((100 * totals.workFinished) / totals.work);
}

/**
 * The lines a move of a run's totals is worth, in order. `start` when its first job finishes; one `progress`
 * line for the highest 10% boundary the move crossed (a batch that jumps from 0 to 35% writes 30% only);
 * `end` instead of 100% when all the work is finished. Boundaries and the end wait for the total to be
 * final: while the fan-out still adds jobs the percentage can fall and cross the same boundary twice.
 * A move that changes neither the work nor the work finished (a redelivery, failed → succeeded) is worth none.
 */
export function progressMarks(before: RunTotals, after: RunTotals, totalFinal: boolean): ProgressMark[] {
  if (before.workFinished === after.workFinished && before.work === after.work) return [];
  const marks: ProgressMark[] = [];
  if (before.workFinished === 0 && after.workFinished > 0) marks.push({ kind: 'start' });
  if (!totalFinal) return marks;
  const was = percentDone(before);
  const now = percentDone(after);
  if (now === 100) {
    if (was < 100) marks.push({ kind: 'end' });
  } else if (Math.floor(now / 10) > Math.floor(was / 10)) {
    marks.push({ kind: 'progress', boundary: Math.floor(now / 10) * 10 });
  }
  return marks;
}

const MESSAGES: Record<ProgressMark['kind'], string> = {
  start: 'run progress: first job finished',
  progress: 'run progress',
  end: 'run progress: all work finished',
};

/**
 * One INFO line for a run's start, each 10% of its work and its end, for people reading logs. Only ids and
 * counts: never a client's name or a record. Call it once the move has committed (a rolled-back try logs nothing).
 */
export class RunProgressLog {
  constructor(private readonly logger: ProgressLogger) {}

  moved(run: ProgressRun, before: RunTotals, after: RunTotals): void {
    for (const mark of progressMarks(before, after, run.fanOutDoneAt !== null)) {
      this.logger.log(
        {
          runId: run.id,
          firmId: run.firmId,
          progress: mark.kind,
          ...(mark.kind === 'progress' ? { boundary: mark.boundary } : {}),
          done: after.workFinished,
          total: after.work,
          percent: percentDone(after),
          succeeded: after.succeeded,
          noChange: after.noChange,
          failed: after.failed,
          skipped: after.skipped,
          cancelled: after.cancelled,
          noData: after.noData,
          partial: after.partial,
        },
        mark.kind === 'progress' ? `${MESSAGES.progress}: ${mark.boundary}%` : MESSAGES[mark.kind],
      );
    }
  }
}
