import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';

import { gstSubject, monthRange } from '../common/gst-job';
import { RecordSet } from '../common/gst-records';
import type { GstApi } from '../gst-api/gst-api.client';
import { normaliseGstr3b, normaliseLedger } from './gstr3b-ledgers.normaliser';

export interface Gstr3bLedgersFetcherOptions {
  gstr3bVersion: string;
  ledgerVersion: string;
}

/** GSTR-3B (RETSUM, AUTOLIAB) and the cash / credit / liability ledgers and balance of one period. */
export class Gstr3bLedgersFetcher implements PortalFetcher {
  readonly category = 'gst.gstr3b_ledgers' as const;

  constructor(
    private readonly api: GstApi,
    private readonly options: Gstr3bLedgersFetcherOptions,
  ) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { gstin, period } = gstSubject(job);
    const set = new RecordSet();
    for (const action of ['RETSUM', 'AUTOLIAB'] as const) {
      const answer = await this.api.read(
        job,
        {
          category: this.category,
          path: `/taxpayerapi/${this.options.gstr3bVersion}/returns/gstr3b`,
          query: { action, ret_period: period },
          retPeriod: period,
          what: `GSTR-3B ${action} ${period}`,
        },
        signal,
      );
      if (answer.kind === 'data') normaliseGstr3b(set, { gstin, action, period }, answer.data);
    }
    const { from, to } = monthRange(period);
    const ledgers = [
      { action: 'CASH', query: { fr_dt: from, to_dt: to } },
      { action: 'ITC', query: { fr_dt: from, to_dt: to } },
      { action: 'TAX', query: { ret_period: period } },
      { action: 'BAL', query: { ret_period: period } },
    ];
    for (const ledger of ledgers) {
      const answer = await this.api.read(
        job,
        {
          category: this.category,
          path: `/taxpayerapi/${this.options.ledgerVersion}/ledgers`,
          query: { action: ledger.action, ...ledger.query },
          retPeriod: period,
          what: `${ledger.action} ledger ${period}`,
        },
        signal,
      );
      if (answer.kind === 'data') normaliseLedger(set, { gstin, ledger: ledger.action, period }, answer.data);
    }
    return { records: set.records };
  }
}
