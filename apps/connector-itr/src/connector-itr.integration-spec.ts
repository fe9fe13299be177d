import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { Category, SyncJobRequested } from '@practice-sync/contracts';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { KafkaProbe, SandboxProcess } from '@practice-sync/testing';
import { ConnectorHarness } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_ITR, loadConnectorItrConfig } from './config/connector-itr.config';

const CATEGORIES: Category[] = ['itr.filing_status', 'itr.returns', 'itr.notices_orders', 'itr.ais_tis_26as'];
const PANS = ['AAACR0000K', 'AAAPR0001K'];

/**
 * connector-itr as a process against the sandbox in its faithful mode (ERI session + per-PAN consent), with
 * real Kafka and PostgreSQL.
 */
describe('connector-itr against the sandbox', () => {
  const harness = new ConnectorHarness({
    portal: 'itr',
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_ITR, loadConnectorItrConfig({ DATABASE_URL: url })),
      ),
    sandboxEnv: { SANDBOX_START_AT: '2025-06-25T10:00:00Z', SANDBOX_ITR_JOB_READY_MS: '300' },
    connectorEnv: { ASYNC_POLL_INTERVAL_MS: '150' },
  });
  const { run, api } = harness;
  const clientId = uuidv7();
  let sandbox: SandboxProcess;
  let probe: KafkaProbe;

  beforeAll(async () => ({ sandbox, probe } = await harness.start()));
  afterAll(() => harness.stop());

  const job = (category: Category, pan: string, period: string | null = null): SyncJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    clientId,
    category,
    subject: { kind: 'pan', value: pan },
    period,
    attempt: 1,
  });

  it('fails credentials_missing without an account, consent_required without the PAN consent, calling nothing', async () => {
    const [noAccount] = await run([job('itr.filing_status', PANS[0])]);
    expect(noAccount).toMatchObject({ outcome: 'failed', errorCode: 'credentials_missing' });
    expect(noAccount.errorMessage).toContain('PUT /v1/credentials/itr');
    const account = await api('PUT', '/credentials/itr', {
      clientId: 'eri-client',
      clientSecret: 'eri-secret-value',
      userId: 'ERIP001234',
      password: 'eri-password-value',
    });
    expect(account.body).toMatchObject({ portal: 'itr', identifier: 'account', status: 'ok' });
    expect(JSON.stringify(account.body)).not.toMatch(/eri-secret-value|eri-password-value/);
    const [noConsent] = await run([job('itr.filing_status', PANS[0])]);
    // The account is stored: only the taxpayer's consent is missing, and the message names that step.
    expect(noConsent).toMatchObject({ outcome: 'failed', errorCode: 'consent_required', retryable: false });
    expect(noConsent.errorMessage).toContain(`POST /v1/credentials/itr/${PANS[0]}/consent`);
    expect(await sandbox.requests('itr', PANS[0])).toBe(0);
  });

  it('records the consent per PAN with the taxpayer OTP', async () => {
    for (const pan of PANS) {
      expect((await api('POST', `/credentials/itr/${pan}/consent`, {})).body).toMatchObject({
        status: 'otp_required',
      });
      expect((await api('POST', `/credentials/itr/${pan}/consent`, { otp: '575757' })).body).toMatchObject({
        identifier: pan,
        status: 'ok',
      });
    }
    expect((await api('GET', '/credentials?status=ok')).body['items']).toHaveLength(3);
  });

  it('fetches every category (all pages, asynchronous statements) as records, then no_change', async () => {
    const jobs = PANS.flatMap((pan) => CATEGORIES.map((c) => job(c, pan)));
    const results = await run(jobs);
    for (const [i, result] of results.entries()) {
      expect({ category: jobs[i].category, outcome: result.outcome, error: result.errorMessage }).toEqual({
        category: jobs[i].category,
        outcome: 'succeeded',
        error: null,
      });
      const changes = probe.recordsOf(jobs[i].jobId).flatMap((e) => e.changes);
      expect(changes.length).toBe(result.counts.added);
      for (const c of changes) expect(c.naturalKey.startsWith(`${jobs[i].subject.value}|`)).toBe(true);
    }
    for (const category of CATEGORIES) {
      const total = results
        .filter((_, i) => jobs[i].category === category)
        .reduce((n, r) => n + r.counts.added, 0);
      expect({ category, some: total > 0 }).toEqual({ category, some: true });
    }
    const statements = jobs.findIndex((j) => j.category === 'itr.ais_tis_26as');
    const kinds = new Set(
      probe
        .recordsOf(jobs[statements].jobId)
        .flatMap((e) => e.changes.map((c) => c.naturalKey.split('|')[1])),
    );
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['26AS']));

    const again = jobs.map((j) => ({ ...j, jobId: uuidv7(), runId: uuidv7() }));
    for (const result of await run(again)) expect(result.outcome).toBe('no_change');
    for (const j of again) expect(probe.recordsOf(j.jobId)).toEqual([]);
  });

  it('keeps the statements fetched when one fails: partial, per-part reasons, retryable, nothing removed', async () => {
    // A PAN whose 26AS, AIS or TIS the sandbox's portal cannot prepare for FY 2024-25 (AY 2025-26) while the
    // other two hold entries: the portal's own facts, read without calling it.
    type Facts = { statements: Record<string, { fails: boolean; entries: number }> };
    let pan = '';
    let facts: Facts | undefined;
    for (let n = 2; n < 400 && !pan; n++) {
      const candidate = `AAAPR${String(n).padStart(4, '0')}K`;
      const res = await fetch(`${sandbox.url}/itr/_sandbox/taxpayers/${candidate}?fy=2024-25`);
      const f = (await res.json()) as Facts;
      const kinds = Object.values(f.statements);
      const failing = kinds.filter((k) => k.fails).length;
      if (failing === 1 && kinds.every((k) => k.fails || k.entries > 0)) [pan, facts] = [candidate, f];
    }
    expect(pan).not.toBe('');
    const failedKind = Object.entries(facts?.statements ?? {}).find(([, k]) => k.fails)?.[0];
    await api('POST', `/credentials/itr/${pan}/consent`, {});
    expect((await api('POST', `/credentials/itr/${pan}/consent`, { otp: '575757' })).body).toMatchObject({
      status: 'ok',
    });

    const first = job('itr.ais_tis_26as', pan, '2025-26');
    const [result] = await run([first]);
    expect(result).toMatchObject({
      outcome: 'partial',
      errorCode: 'portal_unavailable',
      retryable: true,
      counts: { removed: 0 },
    });
    expect(result.errorMessage).toContain(`${failedKind} failed:`);
    expect(result.parts?.map((p) => [p.name, p.status])).toEqual(
      ['AIS', 'TIS', '26AS'].map((k) => [k, k === failedKind ? 'failed' : 'fetched']),
    );
    const kept = result.parts?.filter((p) => p.status === 'fetched') ?? [];
    for (const part of kept) expect(part.records).toBe(facts?.statements[part.name].entries);
    const changes = probe.recordsOf(first.jobId).flatMap((e) => e.changes);
    expect(changes.length).toBe(kept.reduce((n, p) => n + p.records, 0));
    expect(new Set(changes.map((c) => c.naturalKey.split('|')[1]))).not.toContain(failedKind);

    // The orchestrator's retry: the kept parts are unchanged (nothing published twice), the failed one still fails.
    const retry = { ...first, jobId: uuidv7(), attempt: 2 };
    const [again] = await run([retry]);
    expect(again).toMatchObject({ outcome: 'partial', counts: { added: 0, updated: 0, removed: 0 } });
    expect(probe.recordsOf(retry.jobId)).toEqual([]);
  });

  it('logs in again by itself when the intermediary session idles out', async () => {
    await sandbox.advanceDays(2);
    const [result] = await run([job('itr.returns', PANS[0])]);
    expect(result.errorCode).toBeNull();
  });
});
