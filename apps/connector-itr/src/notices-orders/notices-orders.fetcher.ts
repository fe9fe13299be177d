import type {
  ConnectorJob,
  FetchResult,
  NormalisedRecord,
  PortalFetcher,
} from '@practice-sync/connector-kit';
import { parseShape, PortalError, toRecord } from '@practice-sync/connector-kit';
import { z } from 'zod';

import { itrSubject } from '../common/itr-job';
import type { ItrApi } from '../itr-api/itr-api.client';

const PAGE_SIZE = 50;
const MAX_PAGES = 200;

const ProceedingsPageSchema = z
  .object({
    proceedings: z.array(
      z.object({ proceedingReqId: z.union([z.string(), z.number()]).transform(String) }).passthrough(),
    ),
    nextPage: z.number().int().nullable().optional(),
  })
  .passthrough();

const DemandListSchema = z
  .array(z.object({ din: z.union([z.string(), z.number()]).transform(String) }).passthrough())
  .nullable();

/**
 * e-proceedings (notices, their documents and closure orders; every page of ≤ 50) keyed
 * pan|proceeding|proceedingReqId, and outstanding demand keyed pan|demand|din. With an assessment year, only
 * that year's proceedings and demands are kept.
 */
export class NoticesOrdersFetcher implements PortalFetcher {
  readonly category = 'itr.notices_orders' as const;

  constructor(private readonly api: ItrApi) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { pan, assessmentYear } = itrSubject(job);
    const records: NormalisedRecord[] = [];
    let page: number | null = 1;
    for (let pages = 0; page !== null; pages++) {
      if (pages >= MAX_PAGES) throw new PortalError('invalid_response', 'e-proceedings paging does not end');
      const what: string = `e-proceedings page ${page}`;
      const data = await this.api.call(
        job,
        {
          category: this.category,
          path: '/portal/v1/e-proceedings',
          query: { pan, page, pageSize: PAGE_SIZE },
          what,
        },
        signal,
      );
      const answer = parseShape(ProceedingsPageSchema, data, what, { owned: true });
      for (const p of answer.proceedings) {
        if (assessmentYear && p['assessmentYear'] !== assessmentYear) continue;
        records.push(toRecord(`${pan}|proceeding|${p.proceedingReqId}`, { pan, kind: 'proceeding', ...p }));
      }
      const next = answer.nextPage ?? null;
      if (next !== null && next <= page)
        throw new PortalError('invalid_response', `${what}: paging goes backwards`);
      page = next;
    }
    const what = 'outstanding demand';
    const demands =
      parseShape(
        DemandListSchema,
        await this.api.call(
          job,
          { category: this.category, path: '/portal/v1/outstanding-demand', query: { pan }, what },
          signal,
        ),
        what,
        { owned: true },
      ) ?? [];
    for (const d of demands) {
      if (
        assessmentYear &&
        d['itrAy'] !== undefined &&
        String(d['itrAy']) !== assessmentYear &&
        String(d['itrAy']) !== assessmentYear.slice(0, 4)
      )
        continue;
      records.push(toRecord(`${pan}|demand|${d.din}`, { pan, kind: 'demand', ...d }));
    }
    return { records };
  }
}
