import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';

import { gstSubject } from '../common/gst-job';
import { RecordSet } from '../common/gst-records';
import type { GstApi } from '../gst-api/gst-api.client';
import { normaliseGstr1Section } from './gstr1.normaliser';

export const GSTR1_SECTIONS = [
  'B2B',
  'B2BA',
  'B2CL',
  'B2CS',
  'CDNR',
  'CDNUR',
  'EXP',
  'NIL',
  'AT',
  'TXP',
  'HSNSUM',
  'DOCISS',
  'RETSUM',
] as const;

export interface Gstr1FetcherOptions {
  gstr1Version: string;
  gstr1aVersion: string;
}

/** GSTR-1 and GSTR-1A of one period: every section of both forms (a queued B2B is waited for). */
export class Gstr1Fetcher implements PortalFetcher {
  readonly category = 'gst.gstr1_1a' as const;

  constructor(
    private readonly api: GstApi,
    private readonly options: Gstr1FetcherOptions,
  ) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { gstin, period } = gstSubject(job);
    const set = new RecordSet();
    const forms = [
      { form: 'gstr1', version: this.options.gstr1Version, label: 'GSTR-1' },
      { form: 'gstr1a', version: this.options.gstr1aVersion, label: 'GSTR-1A' },
    ];
    for (const { form, version, label } of forms) {
      for (const section of GSTR1_SECTIONS) {
        const answer = await this.api.read(
          job,
          {
            category: this.category,
            path: `/taxpayerapi/${version}/returns/${form}`,
            query: { action: section, ret_period: period },
            retPeriod: period,
            what: `${label} ${section} ${period}`,
          },
          signal,
        );
        if (answer.kind === 'data') normaliseGstr1Section(set, { gstin, form, section, period }, answer.data);
      }
    }
    return { records: set.records };
  }
}
