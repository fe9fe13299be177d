import { totalsColumns, totalsOf } from '../runs/run-totals';
import { SyncJobEntity } from '../runs/sync-job.entity';
import { SyncRunEntity } from '../runs/sync-run.entity';
import { toSyncJobDto, toSyncRunDto } from './sync-run.mapper';

function run(over: Partial<SyncRunEntity> = {}): SyncRunEntity {
  return Object.assign(new SyncRunEntity(), {
    id: '01936f6e-0000-7000-8000-000000000001',
    firmId: 'firm-1',
    status: 'running',
    subjectKind: 'clients',
    selection: { tags: ['audit'] },
    categories: ['gst.gstr2b', 'itr.returns'],
    period: { gst: '102026', itr: '2027-28' },
    scheduleId: null,
    jobsTotal: 10,
    pending: 1,
    running: 2,
    succeeded: 3,
    noChange: 1,
    failed: 1,
    skipped: 2,
    cancelled: 0,
    noData: 0,
    partial: 0,
    fanOutPage: 1,
    fanOutCursor: 'abc',
    fanOutLeaseUntil: null,
    fanOutError: null,
    fanOutDoneAt: null,
    createdAt: new Date('2026-11-22T10:00:00Z'),
    startedAt: new Date('2026-11-22T10:00:01Z'),
    finishedAt: null,
    updatedAt: new Date('2026-11-22T10:00:02Z'),
    ...over,
  });
}

describe('SyncRun mapping', () => {
  it('has exactly the DESIGN.md SyncRun fields, with totals and ISO dates', () => {
    const dto = toSyncRunDto(run());
    expect(dto).toEqual({
      id: '01936f6e-0000-7000-8000-000000000001',
      status: 'running',
      subjectKind: 'clients',
      clients: { tags: ['audit'] },
      links: null,
      categories: ['gst.gstr2b', 'itr.returns'],
      period: { gst: '102026', itr: '2027-28' },
      totals: {
        jobs: 10,
        pending: 1,
        running: 2,
        succeeded: 3,
        noChange: 1,
        failed: 1,
        skipped: 2,
        cancelled: 0,
        noData: 0,
        partial: 0,
        // Skipped jobs are not the run's work: 10 jobs − 2 skipped, of which 3 are still open.
        work: 8,
        workFinished: 5,
      },
      createdAt: '2026-11-22T10:00:00.000Z',
      startedAt: '2026-11-22T10:00:01.000Z',
      finishedAt: null,
      scheduleId: null,
    });
  });

  it('round-trips totals through the run columns', () => {
    const totals = totalsOf(run());
    expect(totalsOf({ ...run(), ...totalsColumns(totals) })).toEqual(totals);
    expect(totalsColumns(totals)).toHaveProperty('jobsTotal', 10);
  });
});

describe('SyncJob mapping', () => {
  const job = (over: Partial<SyncJobEntity> = {}): SyncJobEntity =>
    Object.assign(new SyncJobEntity(), {
      id: '01936f6e-0000-7000-8000-0000000000aa',
      runId: '01936f6e-0000-7000-8000-000000000001',
      firmId: 'firm-1',
      clientId: 'c0000000-0000-4000-8000-000000000001',
      linkId: null,
      category: 'gst.gstr2b',
      subjectKind: 'gstin',
      subjectValue: '27AAACR5055K1Z5',
      period: '102026',
      status: 'done',
      outcome: 'failed',
      errorCode: 'otp_required',
      errorMessage: 'the GST session expired; enter a new OTP',
      retryable: false,
      attempts: 1,
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: 0,
      booksHeld: 0,
      booksConflicts: 0,
      dispatchedAt: new Date('2026-11-22T10:00:01Z'),
      startedAt: new Date('2026-11-22T10:00:02Z'),
      finishedAt: new Date('2026-11-22T10:00:03Z'),
      createdAt: new Date('2026-11-22T10:00:01Z'),
      updatedAt: new Date('2026-11-22T10:00:03Z'),
      ...over,
    });

  it('has exactly the DESIGN.md SyncJob fields', () => {
    expect(toSyncJobDto(job())).toEqual({
      id: '01936f6e-0000-7000-8000-0000000000aa',
      runId: '01936f6e-0000-7000-8000-000000000001',
      clientId: 'c0000000-0000-4000-8000-000000000001',
      linkId: null,
      category: 'gst.gstr2b',
      subject: { kind: 'gstin', value: '27AAACR5055K1Z5' },
      period: '102026',
      status: 'done',
      outcome: 'failed',
      errorCode: 'otp_required',
      errorMessage: 'the GST session expired; enter a new OTP',
      retryable: false,
      attempts: 1,
      counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
      failedObjects: null,
      parts: null,
      startedAt: '2026-11-22T10:00:02.000Z',
      finishedAt: '2026-11-22T10:00:03.000Z',
    });
  });

  it('shows a skipped job without an identifier as a null subject value', () => {
    const dto = toSyncJobDto(job({ subjectValue: '', outcome: 'skipped', errorCode: null, startedAt: null }));
    expect(dto.subject).toEqual({ kind: 'gstin', value: null });
    expect(dto.startedAt).toBeNull();
  });

  it('shows a branch sync job by its link, with the books counts (created, altered, … errors)', () => {
    const linkId = '01936f6e-0000-7000-8000-0000000000bb';
    const dto = toSyncJobDto(
      job({
        clientId: null,
        linkId,
        category: 'books.transactions',
        subjectKind: 'link',
        subjectValue: linkId,
        period: null,
        outcome: 'partial',
        errorCode: null,
        added: 4,
        updated: 2,
        removed: 1,
        unchanged: 3,
        objectErrors: 2,
        booksHeld: 5,
        booksConflicts: 1,
        failedObjects: 2,
      }),
    );
    expect(dto).toMatchObject({
      clientId: null,
      linkId,
      category: 'books.transactions',
      subject: { kind: 'link', value: linkId },
      counts: { created: 4, altered: 2, deleted: 1, unchanged: 3, held: 5, conflicts: 1, errors: 2 },
      failedObjects: 2,
    });
  });
});

describe('SyncRun mapping of a branch sync run', () => {
  it('shows its links selection and no clients', () => {
    const dto = toSyncRunDto(
      run({ subjectKind: 'links', selection: { all: true }, categories: ['books.masters'], period: {} }),
    );
    expect(dto).toMatchObject({ subjectKind: 'links', clients: null, links: { all: true } });
  });
});
