import type {
  ConnectorJob,
  FetchResult,
  PortalFetcher,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import { parseShape, PortalError } from '@practice-sync/connector-kit';
import { isYearRange } from '@practice-sync/contracts';

import { normaliseFilingStatus } from './filing-status.normaliser';
import { FilingStatusResponseSchema } from './filing-status.schema';

/** The processing status of every return a PAN filed (optionally one assessment year). */
export class FilingStatusFetcher implements PortalFetcher {
  readonly category = 'itr.filing_status' as const;

  constructor(private readonly http: PortalHttpClient) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const pan = job.subject.value;
    if (job.subject.kind !== 'pan' || (job.period !== null && !isYearRange(job.period))) {
      throw new PortalError(
        'internal',
        `a filing-status job needs a PAN and an assessment year YYYY-YY or none`,
        {
          retryable: false,
        },
      );
    }
    const what = 'the filing status';
    const entries = await this.http.getJson(
      { category: this.category, path: '/portal/v1/filing-status', query: { pan }, signal, what },
      (body) => {
        const answer = parseShape(FilingStatusResponseSchema, body, what);
        // successFlag false is a refusal, never "no returns filed".
        if (!answer.successFlag) {
          const reason = answer.errors.map((e) => [e.code, e.desc].filter(Boolean).join(' ')).join('; ');
          throw new PortalError(
            'invalid_response',
            `the e-filing portal refused ${what}: ${reason || 'no reason given'}`,
          );
        }
        return answer.data ?? [];
      },
    );
    return { records: normaliseFilingStatus(pan, job.period, entries) };
  }
}
