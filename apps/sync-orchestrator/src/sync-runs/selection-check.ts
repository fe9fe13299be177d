import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConflictProblem, NotFoundProblem, ProblemException, ProblemType } from '@practice-sync/problems';

import type { ClientDirectory } from '../client-master/client-master.client';
import { CLIENT_DIRECTORY, ClientMasterError } from '../client-master/client-master.client';
import type { SelectedLink } from '../fan-out/link-job-planner';
import { noSnapshotRuleReason, snapshotRules } from '../fan-out/link-job-planner';
import type { ClientSelection, LinkSelection } from '../runs/run-scope';

type ListKey = 'ids' | 'tags' | 'offices';

const WHAT: Record<ListKey, (values: string) => string> = {
  ids: (v) => `no client of this firm has the id ${v}`,
  tags: (v) => `no client of this firm has the tag ${v} (tags match whatever their case)`,
  offices: (v) => `no client of this firm is in the office ${v} (offices match whatever their case)`,
};

/**
 * Refuses a selection that names clients, tags or offices that select nobody, so a run over a typo is a 422
 * naming each value rather than a green run with 0 jobs. Ids of other firms are reported exactly like ids
 * that do not exist: the answer never tells whether an id exists elsewhere.
 *
 * Runs check all three. Schedules check only ids: a schedule is often saved before any client carries its
 * tag or office (it selects them as they are tagged), while an id that is not the firm's never will be.
 */
@Injectable()
export class SelectionCheck {
  constructor(@Inject(CLIENT_DIRECTORY) private readonly directory: ClientDirectory) {}

  async assertMatches(
    firmId: string,
    selection: ClientSelection,
    scope: 'run' | 'schedule',
    prefix = 'clients',
  ): Promise<void> {
    if ('all' in selection) return;
    const key: ListKey = 'ids' in selection ? 'ids' : 'tags' in selection ? 'tags' : 'offices';
    if (scope === 'schedule' && key !== 'ids') return;
    const values: string[] = (selection as Record<ListKey, string[]>)[key];
    const unmatched = await asked(() => this.directory.unmatched(firmId, selection));
    if (unmatched.length === 0) return;
    const errors = unmatched.map((v) => ({
      field: `${prefix}.${key}[${values.indexOf(v)}]`,
      message: WHAT[key](v),
    }));
    const listed = unmatched.map((v) => `"${v}"`).join(', ');
    const one = unmatched.length === 1;
    throw new ProblemException(
      ProblemType.SelectionMatchesNothing,
      HttpStatus.UNPROCESSABLE_ENTITY,
      'Selection matches no client',
      `${prefix}.${key}: ${listed} ${one ? 'selects' : 'select'} no client of this firm; ` +
        `correct or remove ${one ? 'it' : 'them'}`,
      errors,
    );
  }

  /**
   * Refuses a branch sync selection that selects no link: ids that are no link of this firm (unknown and
   * foreign alike, named each by index), or `all` in a firm with no link yet. Same problem as for clients.
   */
  async assertLinksMatch(firmId: string, selection: LinkSelection): Promise<void> {
    if ('all' in selection) {
      const page = await asked(() => this.directory.selectLinks(firmId, selection, null, 1));
      if (page.items.length > 0) return;
      throw new ProblemException(
        ProblemType.SelectionMatchesNothing,
        HttpStatus.UNPROCESSABLE_ENTITY,
        'Selection matches no branch link',
        'links.all: this firm has no branch link yet; create one with POST /v1/branch-links and have the ' +
          'server side activate its rules',
        [{ field: 'links.all', message: 'this firm has no branch link yet' }],
      );
    }
    const unmatched = await asked(() => this.directory.unmatchedLinks(firmId, selection));
    if (unmatched.length === 0) return;
    const one = unmatched.length === 1;
    throw new ProblemException(
      ProblemType.SelectionMatchesNothing,
      HttpStatus.UNPROCESSABLE_ENTITY,
      'Selection matches no branch link',
      `links.ids: ${unmatched.map((v) => `"${v}"`).join(', ')} ${one ? 'is' : 'are'} no branch link of this ` +
        `firm; correct or remove ${one ? 'it' : 'them'} (GET /v1/branch-links lists the firm's links)`,
      unmatched.map((v) => ({
        field: `links.ids[${selection.ids.indexOf(v)}]`,
        message: `no branch link of this firm has the id ${v}`,
      })),
    );
  }
}

/**
 * The link a snapshot (POST /v1/branch-links/{id}/snapshot) copies over: a 404 when it is no link of this
 * firm; a 409 when no active rule moves anything from its server company to its client company (the link
 * exists and the request is well formed, but the link's state does not allow it yet, as a duplicate link is).
 */
export async function snapshotLink(
  directory: ClientDirectory,
  firmId: string,
  linkId: string,
): Promise<SelectedLink> {
  const page = await asked(() => directory.selectLinks(firmId, { ids: [linkId] }, null, 1));
  const link = page.items.find((l) => l.id === linkId);
  if (!link)
    throw new NotFoundProblem(
      `branch link ${linkId} is no link of this firm (GET /v1/branch-links lists them)`,
    );
  if (snapshotRules(link).length === 0) throw new ConflictProblem(noSnapshotRuleReason(link));
  return link;
}

/** A client-master question; unreachable or failing is a 503 saying to try again, never a 500. */
export async function asked<T>(question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (e) {
    if (e instanceof ClientMasterError)
      throw new ProblemException(
        ProblemType.UpstreamUnavailable,
        HttpStatus.SERVICE_UNAVAILABLE,
        'Service Unavailable',
        'client-master could not check the selection; try again',
      );
    throw e;
  }
}
