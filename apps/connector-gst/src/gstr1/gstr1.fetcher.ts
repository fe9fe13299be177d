import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';

import { gstSubject } from '../common/gst-job';
import { arrayOf, isObj, RecordSet } from '../common/gst-records';
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
export type Gstr1Section = (typeof GSTR1_SECTIONS)[number];

export interface Gstr1FetcherOptions {
  gstr1Version: string;
  gstr1aVersion: string;
}

/** GSTN's RETSUM names sections its own way where they differ from the read's action (names unconfirmed). */
const ACTION_OF_SUMMARY_NAME: Record<string, Gstr1Section> = {
  HSN: 'HSNSUM',
  DOC_ISSUE: 'DOCISS',
  TXPD: 'TXP',
};

/**
 * The sections a RETSUM answer says hold records, in GSTR1_SECTIONS order: every `sec_sum` entry whose
 * `ttl_rec` is not 0 (an entry without a count is read, to be safe). Sections we do not know are left to the
 * summary record itself.
 */
export function sectionsListed(summary: unknown): Gstr1Section[] {
  const listed = new Set<string>();
  const secSum = isObj(summary) ? arrayOf(summary['sec_sum']) : [];
  for (const sec of secSum) {
    const name = String(sec['sec_nm'] ?? '').toUpperCase();
    const count = Number(sec['ttl_rec']);
    if (sec['ttl_rec'] !== undefined && count === 0) continue;
    listed.add(ACTION_OF_SUMMARY_NAME[name] ?? name);
  }
  return GSTR1_SECTIONS.filter((s) => s !== 'RETSUM' && listed.has(s));
}

/**
 * GSTR-1 and GSTR-1A of one period. Each form's RETSUM is read first and then only the sections it lists with
 * records (a queued B2B is waited for); "no data" for RETSUM means nothing was filed in that form. Reading
 * every one of the 13 sections blindly took 26 calls a job, most of them answering "no data".
 */
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
      const read = (section: Gstr1Section) =>
        this.api.read(
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
      const summary = await read('RETSUM');
      if (summary.kind !== 'data') continue;
      normaliseGstr1Section(set, { gstin, form, section: 'RETSUM', period }, summary.data);
      for (const section of sectionsListed(summary.data)) {
        const answer = await read(section);
        if (answer.kind === 'data') normaliseGstr1Section(set, { gstin, form, section, period }, answer.data);
      }
    }
    return { records: set.records };
  }
}
