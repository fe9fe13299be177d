import { HttpStatus } from '@nestjs/common';
import type { BooksCategory } from '@practice-sync/contracts';
import { booksClassOf, BooksSyncCategories } from '@practice-sync/contracts';
import { DomainException } from '@practice-sync/problems';

import type { SelectedLink } from '../fan-out/link-job-planner';

/** The orchestrator's own problem codes for a restart (`…/problems/<code>`); never rename one. */
export enum RestartProblemCode {
  /** A run over the link is queued or running: a restart would only queue behind it. */
  LinkSyncing = 'link-syncing',
  /** The link's last sync succeeded: nothing to restart (a run syncs it now). */
  LinkNotFailed = 'link-not-failed',
  /** No rule of the link is active: a run would move nothing. */
  NoActiveRule = 'no-active-rule',
}

export interface ActiveRun {
  id: string;
  status: string;
}

/**
 * What `POST /v1/branch-links/{id}/restart` does for a link (DESIGN.md "Branch sync"; docs in the gateway):
 * - a run over the link is queued or running → 409 `link-syncing` naming it (wait, or cancel it);
 * - `failed` (its last sync failed) or `offline` (changes held for an unreachable receiver) → a run of the
 *   link over the classes its active rules move;
 * - `syncing` with no run going (a stalled sync: the job events say syncing, but no run is queued or running)
 *   → the same run, which is what a person pressing Restart on a stalled sync wants;
 * - `online` → 409 `link-not-failed`: nothing failed; `POST /v1/sync-runs` syncs it now;
 * - no active rule → 422 `no-active-rule`: a run would move nothing.
 * Returns the categories of the run to start.
 */
export function restartCategories(link: SelectedLink, active: ActiveRun | null): BooksCategory[] {
  if (active) {
    throw new DomainException({
      code: RestartProblemCode.LinkSyncing,
      status: HttpStatus.CONFLICT,
      title: 'The link is syncing',
      detail:
        `Branch link ${link.id} is in run ${active.id}, which is still ${active.status}; wait for it to ` +
        `finish (GET /v1/sync-runs/${active.id}) or cancel it (POST /v1/sync-runs/${active.id}/cancel), ` +
        'then restart the link if it failed.',
      extras: { runId: active.id },
    });
  }
  if (link.state === 'online') {
    throw new DomainException({
      code: RestartProblemCode.LinkNotFailed,
      status: HttpStatus.CONFLICT,
      title: 'The link has not failed',
      detail:
        `Branch link ${link.id} is online: its last sync did not fail, so there is nothing to restart. To ` +
        `sync it now, POST /v1/sync-runs with { "links": { "ids": ["${link.id}"] }, "categories": ` +
        '["books.masters", "books.transactions"] }.',
    });
  }
  const classes = new Set(link.rules.map((r) => r.class));
  const categories = BooksSyncCategories.filter((c) => classes.has(booksClassOf(c)));
  if (categories.length === 0) {
    throw new DomainException({
      code: RestartProblemCode.NoActiveRule,
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      title: 'The link has no active rule',
      detail:
        `Branch link ${link.id} has no active rule, so a run would move nothing; have the server company ` +
        `activate a rule (POST /v1/branch-links/${link.id}/rules/{ruleId}/activate) first.`,
    });
  }
  return categories;
}
