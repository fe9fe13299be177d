import { BooksJobRequestedEvent, SyncJobRequestedEvent, Topics } from '@practice-sync/contracts';

import type { PortalJobToSend } from './job-events';
import { booksJobRequestedEvent, jobRequestedEvent } from './job-events';

describe('jobRequestedEvent', () => {
  const run = { id: '01936f6e-0000-7000-8000-000000000001', firmId: 'firm-1' };
  const job = (over: Partial<PortalJobToSend>): PortalJobToSend => ({
    id: '01936f6e-0000-7000-8000-0000000000aa',
    clientId: 'c0000000-0000-4000-8000-000000000001',
    category: 'gst.gstr2b',
    portal: 'gst',
    subject: { kind: 'gstin', value: '27AAACR5055K1Z5' },
    period: '102026',
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

  it('sends a link job to connector-books with its books servers and rules, keyed by link, schema-valid', () => {
    const linkId = '01936f6e-0000-7000-8000-0000000000bb';
    const books = {
      client: {
        companyId: '01936f6e-0000-7000-8000-0000000000c1',
        booksUrl: 'http://127.0.0.1:1/books/pune',
      },
      server: { companyId: '01936f6e-0000-7000-8000-0000000000c2', booksUrl: 'http://127.0.0.1:1/books/ho' },
      rules: [
        {
          id: '01936f6e-0000-7000-8000-0000000000d1',
          class: 'masters' as const,
          types: [],
          direction: 'receive' as const,
          fromDate: null,
        },
      ],
    };
    const event = booksJobRequestedEvent(
      { id: job({}).id, linkId, category: 'books.masters', books },
      run,
      3,
    );
    expect(event.topic).toBe(Topics.JobsBooks);
    expect(BooksJobRequestedEvent.key(event.envelope.data)).toBe(linkId);
    expect(BooksJobRequestedEvent.schema.parse(event.envelope.data)).toEqual({
      jobId: job({}).id,
      runId: run.id,
      firmId: 'firm-1',
      linkId,
      category: 'books.masters',
      client: books.client,
      server: books.server,
      rules: books.rules,
      attempt: 3,
      mode: 'online',
    });
  });
});
