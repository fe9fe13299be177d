import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';

import { financialYearOf, gstSubject } from '../common/gst-job';
import { arrayOf, isObj, RecordSet } from '../common/gst-records';
import type { GstApi } from '../gst-api/gst-api.client';

export interface NoticesRegisterFetcherOptions {
  noticesVersion: string;
  commonVersion: string;
}

/**
 * GST notices (list, newest first) and the return filing register (RETTRACK) of the financial year of the
 * job's period. Notices keyed gstin|notice|arn; filings gstin|rettrack|rtntype|ret_prd|arn.
 */
export class NoticesRegisterFetcher implements PortalFetcher {
  readonly category = 'gst.notices_return_register' as const;

  constructor(
    private readonly api: GstApi,
    private readonly options: NoticesRegisterFetcherOptions,
  ) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { gstin, period } = gstSubject(job);
    const set = new RecordSet();
    const notices = await this.api.read(
      job,
      {
        category: this.category,
        path: `/taxpayerapi/${this.options.noticesVersion}/notices`,
        query: { action: 'LIST' },
        what: 'GST notices',
      },
      signal,
    );
    if (notices.kind === 'data' && isObj(notices.data)) {
      for (const notice of arrayOf(notices.data['notices'])) {
        set.add([gstin, 'notice', notice['arn']], { gstin, kind: 'notice', ...notice });
      }
    }
    const fy = financialYearOf(period);
    const register = await this.api.read(
      job,
      {
        category: this.category,
        path: `/commonapi/${this.options.commonVersion}/returns`,
        query: { action: 'RETTRACK', fy },
        what: `return register ${fy}`,
      },
      signal,
    );
    if (register.kind === 'data' && isObj(register.data)) {
      for (const filing of arrayOf(register.data['EFiledlist'])) {
        set.add([gstin, 'rettrack', filing['rtntype'], filing['ret_prd'], filing['arn']], {
          gstin,
          kind: 'filing',
          fy,
          ...filing,
        });
      }
    }
    return { records: set.records };
  }
}
