import type { SyncJobCompleted } from '@practice-sync/contracts';

import { accumulatedCounts, decideResult } from './result-decision';

const result = (over: Partial<SyncJobCompleted> = {}): SyncJobCompleted => ({
  jobId: '01936f6e-0000-7000-8000-0000000000aa',
  runId: '01936f6e-0000-7000-8000-000000000001',
  clientId: 'c0000000-0000-4000-8000-000000000001',
  category: 'gst.gstr2b',
  subject: { kind: 'gstin', value: '27AAACR5055K1Z5' },
  period: '102026',
  attempt: 1,
  outcome: 'succeeded',
  errorCode: null,
  errorMessage: null,
  retryable: false,
  counts: { added: 3, updated: 1, removed: 0, unchanged: 7 },
  startedAt: '2026-11-22T10:00:02.000Z',
  finishedAt: '2026-11-22T10:00:05.000Z',
  ...over,
});

const running = { status: 'running', outcome: null, attempts: 1 } as const;

describe('decideResult', () => {
  it('records the first result of a running job and moves it to its outcome', () => {
    const d = decideResult(running, result());
    expect(d).toEqual({
      kind: 'apply',
      from: 'running',
      to: 'succeeded',
      patch: {
        status: 'done',
        outcome: 'succeeded',
        errorCode: null,
        errorMessage: null,
        retryable: false,
        attempts: 1,
        added: 3,
        updated: 1,
        removed: 0,
        unchanged: 7,
        parts: null,
        taxpayers: null,
        startedAt: new Date('2026-11-22T10:00:02.000Z'),
        finishedAt: new Date('2026-11-22T10:00:05.000Z'),
      },
    });
  });

  it("keeps an e-sign job's per-taxpayer breakdown", () => {
    const taxpayers = {
      counts: { succeeded: 1, unsuccessful: 1, noChange: 0 },
      items: [
        { id: 'TP-1', name: 'Asha Rao', outcome: 'succeeded' as const, reason: null },
        { id: 'TP-2', name: 'Vikram Rao', outcome: 'unsuccessful' as const, reason: 'declined to sign' },
      ],
    };
    const d = decideResult(running, { ...result(), taxpayers });
    expect(d).toMatchObject({ kind: 'apply', patch: { taxpayers } });
  });

  it('records a retryable failure as failed with its code once no attempt is left', () => {
    const d = decideResult(
      running,
      result({
        outcome: 'failed',
        errorCode: 'portal_unavailable',
        errorMessage: 'GST portal is down',
        retryable: true,
      }),
    );
    expect(d).toMatchObject({
      kind: 'apply',
      to: 'failed',
      patch: { errorCode: 'portal_unavailable', retryable: true },
    });
  });

  const policy = { maxAttempts: 3, mayRetry: true };
  const transient = {
    outcome: 'failed',
    errorCode: 'portal_unavailable',
    errorMessage: 'down',
    retryable: true,
  } as const;

  it('sends a retryable failure with attempts left back to pending', () => {
    expect(decideResult(running, result(transient), policy)).toMatchObject({
      kind: 'retry',
      from: 'running',
      patch: { status: 'pending', errorCode: 'portal_unavailable', retryable: true },
    });
  });

  it('records the last allowed attempt, and anything in a cancelled run, as failed', () => {
    const third = { status: 'running', outcome: null, attempts: 3 } as const;
    expect(decideResult(third, result({ ...transient, attempt: 3 }), policy)).toMatchObject({
      kind: 'apply',
      to: 'failed',
      patch: { attempts: 3, errorMessage: 'down (after 3 attempts)' },
    });
    expect(decideResult(running, result(transient), { maxAttempts: 3, mayRetry: false })).toMatchObject({
      kind: 'apply',
      to: 'failed',
    });
  });

  it('ignores a retryable failure of an older attempt while a newer one is out or scheduled', () => {
    const second = { status: 'running', outcome: null, attempts: 2 } as const;
    expect(decideResult(second, result(transient), policy).kind).toBe('ignore');
    const waiting = { status: 'pending', outcome: null, attempts: 1 } as const;
    expect(decideResult(waiting, result(transient), policy).kind).toBe('ignore');
  });

  it('takes a late success of an expired attempt as final', () => {
    const second = { status: 'running', outcome: null, attempts: 2 } as const;
    expect(decideResult(second, result(), policy)).toMatchObject({ kind: 'apply', to: 'succeeded' });
  });

  it('ignores a duplicate of the attempt already recorded, and an older one', () => {
    const done = { status: 'done', outcome: 'succeeded', attempts: 2 } as const;
    expect(decideResult(done, result({ attempt: 2 })).kind).toBe('ignore');
    expect(decideResult(done, result({ attempt: 1 })).kind).toBe('ignore');
  });

  it('lets a later attempt supersede a recorded failure', () => {
    const failed = { status: 'done', outcome: 'failed', attempts: 1 } as const;
    expect(decideResult(failed, result({ attempt: 2, outcome: 'no_change' }))).toMatchObject({
      kind: 'apply',
      from: 'failed',
      to: 'noChange',
      patch: { attempts: 2 },
    });
  });

  it('never reopens a job the orchestrator skipped or cancelled', () => {
    expect(decideResult({ status: 'done', outcome: 'skipped', attempts: 0 }, result()).kind).toBe('ignore');
    expect(
      decideResult({ status: 'done', outcome: 'cancelled', attempts: 1 }, result({ attempt: 2 })).kind,
    ).toBe('ignore');
  });

  describe('partial results (a part of AIS/TIS/26AS failed)', () => {
    const parts = [
      {
        name: 'AIS',
        status: 'fetched' as const,
        records: 4,
        errorCode: null,
        errorMessage: null,
        retryable: false,
      },
      {
        name: '26AS',
        status: 'failed' as const,
        records: 0,
        errorCode: 'portal_unavailable' as const,
        errorMessage: 'TRACES could not prepare the file',
        retryable: true,
      },
    ];
    const partial = (over: Partial<SyncJobCompleted> = {}) =>
      result({
        category: 'itr.ais_tis_26as',
        outcome: 'partial',
        errorCode: 'portal_unavailable',
        errorMessage: 'kept AIS (4 records); 26AS failed: TRACES could not prepare the file',
        retryable: true,
        parts,
        ...over,
      });

    it('retries a partial result whose failed part is transient while attempts are left', () => {
      expect(decideResult(running, partial(), { maxAttempts: 3, mayRetry: true })).toMatchObject({
        kind: 'retry',
        patch: { status: 'pending', errorCode: 'portal_unavailable', retryable: true },
      });
    });

    it('records a partial result with its parts once no attempt is left, counted as partial', () => {
      const d = decideResult(running, partial({ attempt: 3 }), { maxAttempts: 3, mayRetry: true });
      expect(d).toMatchObject({
        kind: 'apply',
        from: 'running',
        to: 'partial',
        patch: { outcome: 'partial', parts },
      });
    });

    it('keeps what a partial attempt published: the retry that completes adds only the missing part', () => {
      const first = decideResult(
        running,
        partial({ counts: { added: 6, updated: 0, removed: 0, unchanged: 0 } }),
        {
          maxAttempts: 3,
          mayRetry: true,
        },
      );
      expect(first).toMatchObject({
        kind: 'retry',
        patch: { added: 6, updated: 0, removed: 0, unchanged: 0 },
      });
      const retried = {
        status: 'running' as const,
        outcome: null,
        attempts: 2,
        added: 6,
        updated: 0,
        removed: 0,
        unchanged: 0,
      };
      const done = decideResult(
        retried,
        result({
          category: 'itr.ais_tis_26as',
          attempt: 2,
          counts: { added: 3, updated: 0, removed: 0, unchanged: 6 },
        }),
        { maxAttempts: 3, mayRetry: true },
      );
      expect(done).toMatchObject({
        kind: 'apply',
        to: 'succeeded',
        patch: { added: 9, updated: 0, removed: 0, unchanged: 0 },
      });
    });

    it('counts a failed attempt as nothing new', () => {
      const job = { added: 6, updated: 1, removed: 0, unchanged: 2 };
      expect(
        accumulatedCounts(
          job,
          result({ outcome: 'failed', counts: { added: 0, updated: 0, removed: 0, unchanged: 0 } }),
        ),
      ).toEqual(job);
    });

    it('records a no_data result as final, counted as noData', () => {
      const d = decideResult(
        running,
        result({ outcome: 'no_data', counts: { added: 0, updated: 0, removed: 0, unchanged: 0 } }),
        {
          maxAttempts: 3,
          mayRetry: true,
        },
      );
      expect(d).toMatchObject({ kind: 'apply', to: 'noData', patch: { outcome: 'no_data', parts: null } });
    });
  });

  describe("a throttled attempt (rate_limited with the portal's Retry-After)", () => {
    const throttled = (attempt: number, retryAfterMs: number | null | undefined = 90_000) =>
      result({
        attempt,
        outcome: 'failed',
        errorCode: 'rate_limited',
        errorMessage: 'the portal is throttling requests for GSTR-2B (retry after 90 s)',
        retryable: true,
        retryAfterMs,
        counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
      });
    const ctx = { maxAttempts: 2, mayRetry: true, maxDeferrals: 3, maxDeferMs: 600_000 };

    it('is re-queued for when the portal allows, even past the back-off, without spending an attempt', () => {
      // Attempt 2 of 2 by dispatch count, but the first was a deferral too: no attempt is spent yet.
      const d = decideResult(
        { status: 'running', outcome: null, attempts: 2, deferrals: 1 },
        throttled(2),
        ctx,
      );
      expect(d).toMatchObject({
        kind: 'defer',
        from: 'running',
        delayMs: 90_000,
        patch: { status: 'pending', errorCode: 'rate_limited', retryable: true, deferrals: 2 },
      });
      expect(d.kind === 'defer' && d.patch.errorMessage).toContain('allows the next call in 90 s');
    });

    it('waits at most the configured bound', () => {
      const d = decideResult(running, throttled(1, 7_200_000), ctx);
      expect(d).toMatchObject({ kind: 'defer', delayMs: 600_000 });
    });

    it('spends attempts once its deferrals are used up, so a run always ends', () => {
      const job = { status: 'running', outcome: null, attempts: 4, deferrals: 3 } as const;
      // 4 dispatches, 3 of them deferrals: this is attempt 1 of 2; retried with the ordinary back-off.
      expect(decideResult(job, throttled(4), ctx)).toMatchObject({ kind: 'retry' });
      const last = { status: 'running', outcome: null, attempts: 5, deferrals: 3 } as const;
      expect(decideResult(last, throttled(5), ctx)).toMatchObject({
        kind: 'apply',
        to: 'failed',
        patch: { outcome: 'failed', errorCode: 'rate_limited', attempts: 5 },
      });
    });

    it('is retried as before when the connector sent no retry time (an older connector)', () => {
      const { retryAfterMs: _none, ...older } = throttled(1);
      expect(decideResult(running, older, ctx)).toMatchObject({ kind: 'retry' });
      expect(decideResult(running, throttled(1, null), ctx)).toMatchObject({ kind: 'retry' });
    });

    it('is recorded as it is once the run was cancelled during the wait', () => {
      const d = decideResult(running, throttled(1), { ...ctx, mayRetry: false });
      expect(d).toMatchObject({ kind: 'apply', to: 'failed', patch: { errorCode: 'rate_limited' } });
      // A job the cancel already closed while it waited keeps `cancelled`.
      const closed = { status: 'done', outcome: 'cancelled', attempts: 1, deferrals: 1 } as const;
      expect(decideResult(closed, throttled(1), ctx)).toMatchObject({ kind: 'ignore' });
    });

    it('counts only spent attempts in the message of a final failure', () => {
      const job = { status: 'running', outcome: null, attempts: 6, deferrals: 4 } as const;
      const failed = result({
        attempt: 6,
        outcome: 'failed',
        errorCode: 'portal_unavailable',
        errorMessage: 'down',
        retryable: true,
      });
      const d = decideResult(job, failed, ctx);
      expect(d).toMatchObject({ kind: 'apply', patch: { errorMessage: 'down (after 2 attempts)' } });
    });
  });
});
