import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';
import { parseShape } from '@practice-sync/connector-kit';
import { z } from 'zod';

import { itrSubject } from '../common/itr-job';
import type { ItrApi } from '../itr-api/itr-api.client';
import { normaliseFilingStatus } from './filing-status.normaliser';
import { FilingStatusEntrySchema } from './filing-status.schema';

/** The list, or null for none (`?? []` at the call: a transform at the root would keep it off the compiled path). */
export const FilingStatusListSchema = z.array(FilingStatusEntrySchema).nullable();

/** The processing status of every return a PAN filed (optionally one assessment year). */
export class FilingStatusFetcher implements PortalFetcher {
  readonly category = 'itr.filing_status' as const;

  constructor(private readonly api: ItrApi) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { pan, assessmentYear } = itrSubject(job);
    const what = 'the filing status';
    const data = await this.api.call(
      job,
      { category: this.category, path: '/portal/v1/filing-status', query: { pan }, what },
      signal,
    );
    return {
      records: normaliseFilingStatus(
        pan,
        assessmentYear,
        parseShape(FilingStatusListSchema, data, what, { owned: true }) ?? [],
      ),
    };
  }
}
