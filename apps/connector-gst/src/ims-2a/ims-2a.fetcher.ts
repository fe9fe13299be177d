import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';

import { gstSubject } from '../common/gst-job';
import { RecordSet } from '../common/gst-records';
import type { GstApi } from '../gst-api/gst-api.client';
import { normaliseGstr2aSection, normaliseImsSection } from './ims-2a.normaliser';

export const IMS_SECTIONS = ['B2B', 'B2BA', 'B2BCN', 'B2BCNA', 'B2BDN', 'B2BDNA', 'ECOM', 'ECOMA'] as const;
export const GSTR2A_SECTIONS = ['B2B', 'B2BA', 'CDN', 'CDNA', 'ISD', 'IMPG', 'IMPGSEZ'] as const;

export interface Ims2aFetcherOptions {
  imsVersion: string;
  gstr2aVersion: string;
}

/** IMS invoices (every section) and GSTR-2A (every section; a queued B2B is waited for). */
export class Ims2aFetcher implements PortalFetcher {
  readonly category = 'gst.ims_2a' as const;

  constructor(
    private readonly api: GstApi,
    private readonly options: Ims2aFetcherOptions,
  ) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { gstin, period } = gstSubject(job);
    const set = new RecordSet();
    for (const section of IMS_SECTIONS) {
      const answer = await this.api.read(
        job,
        {
          category: this.category,
          path: `/taxpayerapi/${this.options.imsVersion}/returns/ims`,
          query: { action: 'GETINV', section },
          what: `IMS ${section}`,
        },
        signal,
      );
      if (answer.kind === 'data') normaliseImsSection(set, gstin, section, answer.data);
    }
    for (const section of GSTR2A_SECTIONS) {
      const answer = await this.api.read(
        job,
        {
          category: this.category,
          path: `/taxpayerapi/${this.options.gstr2aVersion}/returns/gstr2a`,
          query: { action: section, ret_period: period },
          retPeriod: period,
          what: `GSTR-2A ${section} ${period}`,
        },
        signal,
      );
      if (answer.kind === 'data')
        normaliseGstr2aSection(set, { gstin, form: 'gstr2a', section, period }, answer.data);
    }
    return { records: set.records };
  }
}
