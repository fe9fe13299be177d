import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { SyncJobRequested } from '@practice-sync/contracts';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { ConnectorProcess, KafkaProbe, SandboxProcess } from '@practice-sync/testing';
import { ConnectorHarness, waitFor } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_ESIGN, loadConnectorEsignConfig } from './config/connector-esign.config';

/**
 * connector-esign as a process against the sandbox (X-Api-Key required), with real Kafka and PostgreSQL:
 * the account key, signing requests with certificates, no_change, a refused key, and a kill mid-batch.
 */
describe('connector-esign against the sandbox', () => {
  const harness = new ConnectorHarness({
    portal: 'esign',
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_ESIGN, loadConnectorEsignConfig({ DATABASE_URL: url })),
      ),
    sandboxEnv: { SANDBOX_START_AT: '2025-06-25T10:00:00Z' },
    connectorEnv: { JOB_LEASE_MS: '3000', WORKER_CONCURRENCY: '4' },
  });
  const { firmId, run, api } = harness;
  let sandbox: SandboxProcess;
  let connector: ConnectorProcess;
  let probe: KafkaProbe;

  beforeAll(async () => ({ sandbox, connector, probe } = await harness.start()));
  afterAll(() => harness.stop());

  // One client per client file: snapshots (and so no_change) are per client and identifier.
  const clients = new Map<string, string>();
  const job = (fileId: string): SyncJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    clientId: clients.get(fileId) ?? clients.set(fileId, uuidv7()).get(fileId) ?? '',
    category: 'esign.signature_timestamps',
    subject: { kind: 'esignClientFileId', value: fileId },
    period: null,
    attempt: 1,
  });

  const putKey = (apiKey: string) => api('PUT', '/credentials/esign', { apiKey });

  it('fails credentials_missing without the account key, then fetches requests with certificates', async () => {
    const [missing] = await run([job('file-1')]);
    expect(missing).toMatchObject({ outcome: 'failed', errorCode: 'credentials_missing' });
    expect(await sandbox.requests('esign', 'file-1')).toBe(0);
    const put = await putKey('live-key-0123456789');
    expect(put.body).toMatchObject({ portal: 'esign', identifier: 'account', status: 'ok' });
    expect(JSON.stringify(put.body)).not.toContain('live-key-0123456789');

    const files = ['file-1', 'file-2', 'file-3'];
    const jobs = files.map(job);
    const results = await run(jobs);
    for (const [i, r] of results.entries()) {
      expect(r.outcome).toBe('succeeded');
      const changes = probe.recordsOf(jobs[i].jobId).flatMap((e) => e.changes);
      expect(changes.length).toBe(r.counts.added);
      expect(changes.length).toBeGreaterThan(0);
      for (const c of changes) {
        expect(c.naturalKey.startsWith(`${files[i]}|`)).toBe(true);
        const data = c.data as { status: string; certificate: { documentSha256: string } | null };
        if (data.status === 'signed') expect(data.certificate?.documentSha256).toMatch(/^[0-9a-f]{64}$/);
        else expect(data.certificate).toBeNull();
      }
      // Per taxpayer: signed is the only success; anything else is unsuccessful with the reason.
      const taxpayers = r.taxpayers?.items ?? [];
      expect(taxpayers.length).toBeGreaterThan(0);
      const latest = new Map<string, string>();
      for (const c of changes) {
        const data = c.data as { taxpayerId: string; status: string; updatedAt: string };
        latest.set(data.taxpayerId, data.status);
      }
      for (const t of taxpayers) {
        const signed = latest.get(t.id) === 'signed';
        expect({ id: t.id, outcome: t.outcome }).toEqual({
          id: t.id,
          outcome: signed ? 'succeeded' : 'unsuccessful',
        });
        if (!signed) expect(t.reason).toEqual(expect.stringContaining(latest.get(t.id) ?? '?'));
      }
    }
    const again = files.map(job);
    const second = await run(again);
    for (const r of second) {
      expect(r.outcome).toBe('no_change');
      for (const t of r.taxpayers?.items ?? []) expect(t.outcome).not.toBe('succeeded');
    }
    for (const j of again) expect(probe.recordsOf(j.jobId)).toEqual([]);
  });

  it('refuses a bad credentials body with a problem naming each field, and stores nothing', async () => {
    const bad = await api('PUT', '/credentials/esign', { apiKey: 'short', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      type: 'https://practice-sync.dev/problems/validation-error',
      errors: expect.arrayContaining([
        { field: 'apiKey', message: expect.stringContaining('8') },
        { field: 'extra', message: 'is not a known field; remove it' },
      ]),
    });
    expect(JSON.stringify(bad.body)).not.toContain('short');
  });

  it('loses and duplicates nothing when the connector is killed mid-batch and restarted', async () => {
    await sandbox.faults('esign', { latencyMs: 150 });
    const jobs = Array.from({ length: 40 }, (_, i) => job(`kill-file-${i}`));
    await probe.publishJobs('esign', firmId, jobs);
    const ids = new Set(jobs.map((j) => j.jobId));
    await waitFor(() => probe.results.filter((e) => ids.has(e.data.jobId)).length >= 5, {
      timeoutMs: 60_000,
    });
    await connector.kill();
    const doneAtKill = new Set(probe.results.filter((e) => ids.has(e.data.jobId)).map((e) => e.data.jobId));
    expect(doneAtKill.size).toBeLessThan(jobs.length);
    connector = await harness.restartConnector();
    await probe.waitForResults([...ids], 120_000);
    await sandbox.faults('esign', { latencyMs: 0 });
    // Settle: anything the outbox relays late would show up now.
    await new Promise((r) => setTimeout(r, 2000));

    for (const j of jobs) {
      const results = distinct(probe.results.filter((e) => e.data.jobId === j.jobId));
      expect(results.map((e) => e.data.outcome)).toEqual(['succeeded']);
      const chunks = distinct(probe.records.filter((e) => e.data.jobId === j.jobId));
      const indexes = chunks.map((e) => e.data.chunk.index).sort();
      expect(indexes).toEqual([...Array(chunks[0]?.data.chunk.count ?? 0).keys()]);
      const keys = chunks.flatMap((e) => e.data.changes.map((c) => c.naturalKey));
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBe(results[0].data.counts.added);
    }
  });

  it('stops calling the portal once it refused the key, until a new one is stored', async () => {
    await putKey('revoked-key-0000');
    const [refused] = await run([job('file-9')]);
    expect(refused).toMatchObject({ outcome: 'failed', errorCode: 'auth_failed', retryable: false });
    const calls = await sandbox.requests('esign', 'file-9');
    const [again] = await run([job('file-9')]);
    expect(again.errorCode).toBe('auth_failed');
    expect(await sandbox.requests('esign', 'file-9')).toBe(calls);
    await putKey('live-key-0123456789');
    const [ok] = await run([job('file-9')]);
    expect(ok.outcome).toBe('succeeded');
  });
});

/** Kafka is at-least-once: the same event (same envelope id) may arrive twice; consumers dedupe by id. */
function distinct<T extends { id: string }>(events: T[]): T[] {
  return [...new Map(events.map((e) => [e.id, e])).values()];
}
