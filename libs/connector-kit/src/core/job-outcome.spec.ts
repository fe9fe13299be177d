import {
  completedEventData,
  failureResult,
  successResult,
  toPortalError,
  unsupportedCategory,
} from './job-outcome';
import { PortalError } from './portal-error';
import type { ConnectorJob } from './portal-fetcher';

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
});
