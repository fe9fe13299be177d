import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';
import { parseShape, toRecord } from '@practice-sync/connector-kit';

import { itrSubject } from '../common/itr-job';
import { FilingStatusListSchema } from '../filing-status/filing-status.fetcher';
import { portalAssessmentYear } from '../filing-status/filing-status.normaliser';
import type { ItrApi } from '../itr-api/itr-api.client';

/**
 * Filed returns (acknowledgement number, form, assessment year, filing date), keyed pan|ackNum. The portal
 * lists them with their processing status; this category keeps only what identifies the filing, so a status
 * change is news for `itr.filing_status`, not here.
 */
export class ReturnsFetcher implements PortalFetcher {
  readonly category = 'itr.returns' as const;

  constructor(private readonly api: ItrApi) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { pan, assessmentYear } = itrSubject(job);
    const what = 'the filed returns';
    const data = await this.api.call(
      job,
      { category: this.category, path: '/portal/v1/filing-status', query: { pan }, what },
      signal,
    );
    const year = assessmentYear ? portalAssessmentYear(assessmentYear) : null;
    const records = (parseShape(FilingStatusListSchema, data, what, { owned: true }) ?? [])
      .filter((e) => !year || e.assmentYear === year)
      .map((e) =>
        toRecord(`${pan}|${e.ackNum}`, {
          pan,
          assessmentYear: `${e.assmentYear}-${String((Number(e.assmentYear) + 1) % 100).padStart(2, '0')}`,
          ackNum: e.ackNum,
          ackDt: e.ackDt ?? null,
          formTypeCd: e.formTypeCd ?? null,
        }),
      );
    return { records };
  }
}
