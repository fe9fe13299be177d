import type { BooksJobCompleted } from '@practice-sync/contracts';

import type { ClassJob, JobEvent } from './link-state';
import { errorOf, isNewer, linkStatus, nextClassJob } from './link-state';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s));
const JOB = '0193b000-0000-7000-8000-000000000001';
const OTHER = '0193b000-0000-7000-8000-000000000002';

function row(over: Partial<ClassJob> = {}): ClassJob {
  return {
    category: 'books.masters',
    jobId: JOB,
    attempt: 1,
    phase: 'requested',
    at: at(0),
    outcome: null,
    error: null,
    finishedAt: null,
    ...over,
  };
}

function result(over: Partial<BooksJobCompleted> = {}): BooksJobCompleted {
  return {
    jobId: JOB,
    runId: '0193b000-0000-7000-8000-0000000000aa',
    linkId: '0193b000-0000-7000-8000-0000000000bb',
    category: 'books.masters',
    attempt: 1,
    outcome: 'succeeded',
    errorCode: null,
    errorMessage: null,
    retryable: false,
    counts: { created: 1, altered: 0, deleted: 0, unchanged: 0, held: 0, conflicts: 0, errors: 0 },
    failedObjects: [],
    startedAt: at(1).toISOString(),
    finishedAt: at(2).toISOString(),
    ...over,
  };
}

const ev = (over: Partial<JobEvent>): JobEvent => ({
  jobId: JOB,
  attempt: 1,
  phase: 'requested',
  at: at(0),
  ...over,
});

describe('isNewer', () => {
  it('orders one job by attempt, and a result after its own request, whatever the clocks say', () => {
    const requested2 = row({ attempt: 2, at: at(50) });
    expect(isNewer(requested2, ev({ attempt: 1, phase: 'completed', at: at(99) }))).toBe(false);
    expect(isNewer(requested2, ev({ attempt: 2, phase: 'completed', at: at(10) }))).toBe(true);
    expect(isNewer(requested2, ev({ attempt: 3, phase: 'requested', at: at(1) }))).toBe(true);
    const completed2 = row({ attempt: 2, phase: 'completed', at: at(60) });
    expect(isNewer(completed2, ev({ attempt: 2, phase: 'requested', at: at(99) }))).toBe(false);
    expect(isNewer(completed2, ev({ attempt: 2, phase: 'completed', at: at(60) }))).toBe(false);
  });

  it('orders different jobs (runs) by event time', () => {
    const done = row({ phase: 'completed', at: at(30) });
    expect(isNewer(done, ev({ jobId: OTHER, at: at(20) }))).toBe(false);
    expect(isNewer(done, ev({ jobId: OTHER, at: at(31) }))).toBe(true);
    expect(isNewer(null, ev({}))).toBe(true);
  });
});

describe('errorOf', () => {
  it('says how many objects the receiver refused, by code', () => {
    const partial = result({
      outcome: 'partial',
      counts: { created: 3, altered: 0, deleted: 0, unchanged: 0, held: 0, conflicts: 0, errors: 3 },
      failedObjects: [
        { guid: 'g1', type: 'LEDGER', errorCode: 'duplicate_name' },
        { guid: 'g2', type: 'VOUCHER', errorCode: 'missing_master' },
        { guid: 'g3', type: 'LEDGER', errorCode: 'duplicate_name' },
      ],
    });
    expect(errorOf(partial)).toBe(
      'masters: 3 objects refused by the receiving books (duplicate_name: 2, missing_master: 1); they are tried again next sync',
    );
  });

  it('says how many objects wait in the conflict queue (altered at both ends)', () => {
    const counts = { created: 0, altered: 1, deleted: 0, unchanged: 0, held: 0, conflicts: 2, errors: 0 };
    expect(errorOf(result({ outcome: 'partial', counts }))).toBe(
      'masters: 2 objects altered at both ends wait in the conflict queue until resolved',
    );
    const refused = result({
      outcome: 'partial',
      counts: { ...counts, conflicts: 1, errors: 1 },
      failedObjects: [{ guid: 'g1', type: 'LEDGER', errorCode: 'duplicate_name' }],
    });
    expect(errorOf(refused)).toBe(
      'masters: 1 object refused by the receiving books (duplicate_name: 1); they are tried again next sync; 1 object altered at both ends waits in the conflict queue until resolved',
    );
  });

  it('keeps a failure specific: its message and code', () => {
    const failed = result({
      category: 'books.transactions',
      outcome: 'failed',
      errorCode: 'portal_unavailable',
      errorMessage: 'the books server of company X did not answer',
    });
    expect(errorOf(failed)).toBe(
      'transactions: a books server did not answer (portal_unavailable): the books server of company X did not answer',
    );
    expect(errorOf(result())).toBeNull();
  });
});

describe('nextClassJob and linkStatus', () => {
  it('is syncing while a class is in flight, keeping the last failure as the error', () => {
    const failed = nextClassJob(
      null,
      'books.masters',
      ev({ phase: 'completed', at: at(5) }),
      result({ outcome: 'failed', errorCode: 'timeout', errorMessage: 'slow' }),
    );
    const slow = 'masters: a books server did not answer in time (timeout): slow';
    expect(linkStatus([failed])).toEqual({ state: 'failed', error: slow });
    const retrying = nextClassJob(failed, 'books.masters', ev({ attempt: 2, at: at(6) }), null);
    expect(linkStatus([retrying])).toEqual({ state: 'syncing', error: slow });
    const ok = nextClassJob(
      retrying,
      'books.masters',
      ev({ attempt: 2, phase: 'completed', at: at(9) }),
      result({ attempt: 2 }),
    );
    expect(linkStatus([ok])).toEqual({ state: 'online', error: null });
  });

  it('a failed class keeps the link failed while the other class succeeds; a cancelled attempt changes nothing', () => {
    const masters = row({
      phase: 'completed',
      outcome: 'failed',
      error: 'masters: down (portal_unavailable)',
    });
    const tx = row({
      category: 'books.transactions',
      jobId: OTHER,
      phase: 'completed',
      outcome: 'succeeded',
    });
    expect(linkStatus([tx, masters])).toEqual({
      state: 'failed',
      error: 'masters: down (portal_unavailable)',
    });
    const cancelled = nextClassJob(
      masters,
      'books.masters',
      ev({ phase: 'completed', at: at(7) }),
      result({ outcome: 'cancelled' }),
    );
    expect(cancelled).toMatchObject({ phase: 'completed', outcome: 'failed', error: masters.error });
    expect(linkStatus([])).toBeNull();
  });
});

describe('on-demand holds', () => {
  it('a link with held changes reads offline (not failed, not online) and a job that only held is no error', () => {
    const held = result({
      outcome: 'partial',
      counts: { created: 0, altered: 0, deleted: 0, unchanged: 0, held: 4, conflicts: 0, errors: 0 },
      held: { count: 4, oldestAt: at(1).toISOString() },
    });
    expect(errorOf(held)).toBeNull();
    const done = row({ phase: 'completed', outcome: 'partial' });
    expect(linkStatus([done], 4)).toEqual({ state: 'offline', error: null });
    expect(linkStatus([done], 0)).toEqual({ state: 'online', error: null });
    expect(linkStatus([row({ phase: 'requested' })], 4)?.state).toBe('syncing');
  });

  it('expired held changes fail the link, saying a new sync (snapshot) is needed', () => {
    const expired = result({
      outcome: 'failed',
      errorCode: 'hold_expired',
      errorMessage: '3 held change(s) expired',
      expiredObjects: [{ guid: 'g', type: 'VOUCHER', direction: 'send' }],
    });
    const error = errorOf(expired);
    expect(error).toContain('hold_expired');
    expect(error).toContain('a new sync (snapshot) is needed');
    const failed = row({ phase: 'completed', outcome: 'failed', error });
    expect(linkStatus([failed], 0)?.state).toBe('failed');
  });
});
