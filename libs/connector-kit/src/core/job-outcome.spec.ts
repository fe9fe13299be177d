import { SyncJobCompletedEvent } from '@practice-sync/contracts';

import {
  completedEventData,
  failureResult,
  partsOf,
  successResult,
  toPortalError,
  unsupportedCategory,
} from './job-outcome';
import { PortalError } from './portal-error';
import type { ConnectorJob } from './portal-fetcher';
import { toRecord } from './record-hash';

const job: ConnectorJob = {
  jobId: '0190a0b0-0000-7000-8000-000000000001',
  attempt: 2,
  runId: '0190a0b0-0000-7000-8000-000000000002',
  clientId: '0190a0b0-0000-7000-8000-000000000003',
  firmId: 'firm-1',
  category: 'gst.gstr3b_ledgers',
  subject: { kind: 'gstin', value: '27AAACR5055K1Z7' },
  period: '032025',
};
const started = new Date('2025-04-01T10:00:00Z');
const finished = new Date('2025-04-01T10:00:05Z');

describe('job outcomes', () => {
  it('fails an unimplemented category as internal and not retryable', () => {
    const data = completedEventData(job, started, failureResult(unsupportedCategory(job.category), finished));
    expect(data).toMatchObject({
      outcome: 'failed',
      errorCode: 'internal',
      errorMessage: 'category gst.gstr3b_ledgers is not supported by this connector yet',
      retryable: false,
      counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
      attempt: 2,
      startedAt: '2025-04-01T10:00:00.000Z',
      finishedAt: '2025-04-01T10:00:05.000Z',
    });
  });

  it('takes retryable from the failure taxonomy', () => {
    expect(failureResult(new PortalError('rate_limited', 'slow down'), finished).retryable).toBe(true);
    expect(failureResult(new PortalError('not_generated_yet', 'later'), finished).retryable).toBe(false);
  });

  it('turns unexpected exceptions into retryable internal failures', () => {
    const error = toPortalError(new TypeError('x is undefined'));
    expect(error).toMatchObject({ code: 'internal', retryable: true });
    expect(error.message).toContain('x is undefined');
  });

  it('reports counts on success with no error', () => {
    const counts = { added: 2, updated: 0, removed: 0, unchanged: 5 };
    const data = completedEventData(job, started, successResult({ outcome: 'succeeded', counts }, finished));
    expect(data).toMatchObject({
      outcome: 'succeeded',
      errorCode: null,
      errorMessage: null,
      retryable: false,
      counts,
    });
  });

  it('explains a no_data job in the run log: nothing on the portal for this period', () => {
    const zero = { added: 0, updated: 0, removed: 0, unchanged: 0 };
    const data = completedEventData(
      job,
      started,
      successResult({ outcome: 'no_data', counts: zero }, finished, job),
    );
    expect(data).toMatchObject({ outcome: 'no_data', errorCode: null, retryable: false, counts: zero });
    expect(data.errorMessage).toBe(
      'nothing on the portal for this period: the GST portal has no GSTR-3B summary, cash / credit / liability ledgers for GSTIN 27AAACR5055K1Z7 in 03/2025',
    );
    expect(SyncJobCompletedEvent.schema.safeParse(data).success).toBe(true);
    const said = successResult(
      { outcome: 'no_data', counts: zero },
      finished,
      job,
      null,
      'RET13510 for CASH ledger',
    );
    expect(said.completion.errorMessage).toMatch(/in 03\/2025 \(RET13510 for CASH ledger\)$/);
    const itr = successResult({ outcome: 'no_data', counts: zero }, finished, {
      ...job,
      category: 'itr.returns',
      subject: { kind: 'pan', value: 'AAACR5055K' },
      period: '2027-28',
    });
    expect(itr.completion.errorMessage).toBe(
      'nothing on the portal for this period: the e-filing portal has no filed ITRs (ack number, form, AY, date) for PAN AAACR5055K in AY 2027-28',
    );
  });

  it('reports a partial job per part: what was kept, what failed and why, retryable when the failure is', () => {
    const records = [
      toRecord('P|AIS|1', { a: 1 }),
      toRecord('P|AIS|2', { a: 2 }),
      toRecord('P|TIS|1', { t: 1 }),
    ];
    const parts = partsOf(
      [
        { name: 'AIS', keyPrefix: 'P|AIS|', error: null },
        { name: 'TIS', keyPrefix: 'P|TIS|', error: null },
        {
          name: '26AS',
          keyPrefix: 'P|26AS|',
          error: new PortalError('portal_unavailable', 'TRACES could not prepare 26AS'),
        },
      ],
      records,
    );
    const counts = { added: 3, updated: 0, removed: 0, unchanged: 0 };
    const data = completedEventData(
      job,
      started,
      successResult({ outcome: 'partial', counts }, finished, job, parts),
    );
    expect(data).toMatchObject({
      outcome: 'partial',
      errorCode: 'portal_unavailable',
      errorMessage: 'kept AIS (2 records), TIS (1 record); 26AS failed: TRACES could not prepare 26AS',
      retryable: true,
      counts,
      parts: [
        { name: 'AIS', status: 'fetched', records: 2, errorCode: null, errorMessage: null, retryable: false },
        { name: 'TIS', status: 'fetched', records: 1, errorCode: null, errorMessage: null, retryable: false },
        {
          name: '26AS',
          status: 'failed',
          records: 0,
          errorCode: 'portal_unavailable',
          errorMessage: 'TRACES could not prepare 26AS',
          retryable: true,
        },
      ],
    });
    expect(SyncJobCompletedEvent.schema.safeParse(data).success).toBe(true);
  });
});
