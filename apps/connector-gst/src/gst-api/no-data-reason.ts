import type { PortalFetcher } from '@practice-sync/connector-kit';

import type { GstApi } from './gst-api.client';

/** A GST fetcher whose empty results say which "no data" codes the portal answered (for the run log). */
export function explainingNoData(fetcher: PortalFetcher, api: GstApi): PortalFetcher {
  return {
    category: fetcher.category,
    fetch: async (job, signal) => {
      const result = await fetcher.fetch(job, signal);
      if (result.records.length > 0) return result;
      const reason = api.noDataReason(job);
      return reason ? { ...result, noDataReason: reason } : result;
    },
  };
}
