import { SyncJobRequestedEvent, Topics } from '@practice-sync/contracts';

import { jobRequestedEvent } from './job-events';
import type { PlannedJob } from './planned-job';

describe('jobRequestedEvent', () => {
  const run = { id: '01936f6e-0000-7000-8000-000000000001', firmId: 'firm-1' };
  const job = (over: Partial<PlannedJob>): Omit<PlannedJob, 'clientName'> => ({
    id: '01936f6e-0000-7000-8000-0000000000aa',
    clientId: 'c0000000-0000-4000-8000-000000000001',
    category: 'gst.gstr2b',
    portal: 'gst',
    subject: { kind: 'gstin', value: '27AAACR5055K1Z5' },
    period: '102026',
    skipReason: null,
    ...over,
  });

  it('goes on its portal job topic, correlated and caused by the run, first attempt', () => {
    const event = jobRequestedEvent(job({}), run);
    expect(event.topic).toBe(Topics.JobsGst);
    expect(event.contract).toBe(SyncJobRequestedEvent);
    expect(event.envelope).toMatchObject({
      type: 'sync.job.requested',
      firmId: 'firm-1',
      correlationId: run.id,
      causationId: run.id,
      data: { jobId: job({}).id, runId: run.id, attempt: 1, period: '102026' },
    });
  });

  it('routes Income Tax and e-sign jobs to their topics', () => {
    const itr = job({
      category: 'itr.returns',
      portal: 'itr',
      subject: { kind: 'pan', value: 'AAACR5055K' },
    });
    const esign = job({
      category: 'esign.signature_timestamps',
      portal: 'esign',
      subject: { kind: 'esignClientFileId', value: 'file-1' },
      period: null,
    });
    expect(jobRequestedEvent(itr, run).topic).toBe(Topics.JobsItr);
    expect(jobRequestedEvent(esign, run).topic).toBe(Topics.JobsEsign);
  });
});
