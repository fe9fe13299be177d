import type { Category } from '@practice-sync/contracts';
import type { ClientSelection, LinkSelection } from '@practice-sync/validation';

/** Which clients a run covers; exactly one form (DESIGN.md, "Sync runs"), as the request validation has it. */
export type { ClientSelection, LinkSelection };

/**
 * The clients of a retry run (POST …/retry): those with a failed job in run `retryOf`. Kept as a reference to
 * that run, never as a list of ids, so retrying 50,000 failures stores and answers one id. Never accepted as
 * a request's selection.
 */
export interface RetrySelection {
  retryOf: string;
}

/** What a run covers: a requested selection, or a retry's source run. */
export type RunSelection = ClientSelection | LinkSelection | RetrySelection;

export function isRetrySelection(selection: RunSelection): selection is RetrySelection {
  return typeof (selection as Partial<RetrySelection>).retryOf === 'string';
}

/** The periods a request asks for, per portal. */
export interface RequestedPeriods {
  gst?: string;
  itr?: string;
}

/**
 * The periods a run's jobs use: per portal, and per category where a category's default differs from its
 * portal's (`{ gst: '112026', 'gst.gstr2b': '102026' }`). A portal absent here has no jobs in the run.
 */
export type RunPeriods = RequestedPeriods & Partial<Record<Category, string>>;
