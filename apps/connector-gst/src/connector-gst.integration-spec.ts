import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { Category, SyncJobRequested } from '@practice-sync/contracts';
import { gstinCheckCharacter } from '@practice-sync/contracts';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { ConnectorProcess, KafkaProbe, SandboxProcess } from '@practice-sync/testing';
import { ConnectorHarness, waitFor } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_GST, loadConnectorGstConfig } from './config/connector-gst.config';

const PERIOD = '052025';
const CATEGORIES: Category[] = [
  'gst.gstr2b',
  'gst.gstr1_1a',
  'gst.ims_2a',
  'gst.gstr3b_ledgers',
  'gst.notices_return_register',
];

function gstin(n: number): string {
  const first14 = `27AAACR${String(n).padStart(4, '0')}K1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/**
 * connector-gst as a process against the sandbox in its faithful mode (GSTN envelope, sessions required),
 * with real Kafka and PostgreSQL: OTP sessions, every category, no_change, the breaker in an outage and a
 * lapsed session.
 */
describe('connector-gst against the sandbox', () => {
  const harness = new ConnectorHarness({
    portal: 'gst',
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_GST, loadConnectorGstConfig({ DATABASE_URL: url })),
      ),
    // 25 June 2025: May's 2B (14 June), GSTR-1 and 3B are out; some GSTINs have large (paged / queued) answers.
    sandboxEnv: { SANDBOX_START_AT: '2025-06-25T10:00:00Z', SANDBOX_QUEUE_READY_MS: '300' },
    connectorEnv: {
      BREAKER_VOLUME_THRESHOLD: '3',
      BREAKER_ROLLING_WINDOW_MS: '2000',
      BREAKER_RESET_TIMEOUT_MS: '4000',
      BREAKER_TIMEOUT_MS: '5000',
      RETRY_MAX_ATTEMPTS: '2',
      RETRY_BASE_DELAY_MS: '50',
      ASYNC_POLL_INTERVAL_MS: '200',
    },
  });
  const { run, api } = harness;
  const clientId = uuidv7();
  let sandbox: SandboxProcess;
  let connector: ConnectorProcess;
  let probe: KafkaProbe;

  beforeAll(async () => ({ sandbox, connector, probe } = await harness.start()));
  afterAll(() => harness.stop());

  const job = (category: Category, g: string): SyncJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    clientId,
    category,
    subject: { kind: 'gstin', value: g },
    period: PERIOD,
    attempt: 1,
  });

  async function login(g: string): Promise<void> {
    expect((await api('PUT', `/credentials/gst/${g}`, { username: 'taxpayer-api-user' })).body).toMatchObject(
      {
        status: 'otp_required',
      },
    );
    const ok = await api('POST', `/credentials/gst/${g}/otp`, { otp: '575757' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ portal: 'gst', identifier: g, status: 'ok' });
  }

  it('fails credentials_missing without calling the portal when no access is stored', async () => {
    const [result] = await run([job('gst.gstr2b', gstin(9))]);
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'credentials_missing', retryable: false });
    expect(await sandbox.requests('gst', gstin(9))).toBe(0);
  });

  it('opens OTP sessions through the credential endpoints and never shows a secret', async () => {
    expect((await api('PUT', `/credentials/gst/${gstin(0)}`, { username: 'taxpayer-api-user' })).status).toBe(
      200,
    );
    const wrong = await api('POST', `/credentials/gst/${gstin(0)}/otp`, { otp: '111111' });
    expect(wrong.status).toBe(422);
    expect(String(wrong.body['detail'])).toContain('AUTH4034');
    expect(String(wrong.body['detail'])).toContain('request a new OTP first');
    // An OTP for a GSTIN whose OTP was never requested says to request it first.
    const early = await api('POST', `/credentials/gst/${gstin(11)}/otp`, { otp: '575757' });
    expect(early.status).toBe(404);
    expect(String(early.body['detail'])).toContain('request the OTP first');
    for (const n of [0, 3, 5, 7]) await login(gstin(n));
    const list = await api('GET', '/credentials?status=ok');
    expect((list.body['items'] as unknown[]).length).toBe(4);
    const text = JSON.stringify(list.body);
    expect(text).not.toMatch(/auth_token|authToken|sek|taxpayer-api-user/);
  });

  it('fetches every category (all pages, queued files) as records, publishes them, then no_change', async () => {
    const subjects = [gstin(0), gstin(3), gstin(5)];
    const jobs = subjects.flatMap((g) => CATEGORIES.map((c) => job(c, g)));
    const results = await run(jobs);
    for (const [i, result] of results.entries()) {
      const j = jobs[i];
      // A category whose every read answered a GSTN "no data" code (RET11416…) ends no_data, never succeeded.
      const found = result.counts.added > 0;
      expect({ category: j.category, outcome: result.outcome, error: result.errorMessage }).toEqual({
        category: j.category,
        outcome: found ? 'succeeded' : 'no_data',
        error: found ? null : expect.stringMatching(/^nothing on the portal for this period/),
      });
      const changes = probe.recordsOf(j.jobId).flatMap((e) => e.changes);
      expect(changes.length).toBe(result.counts.added);
      expect(new Set(changes.map((c) => c.naturalKey)).size).toBe(changes.length);
      for (const c of changes) {
        expect(c.naturalKey.startsWith(`${j.subject.value}|`)).toBe(true);
        expect(c.change).toBe('added');
        expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    const added = (category: Category, g: string) =>
      results.find((_, i) => jobs[i].category === category && jobs[i].subject.value === g)?.counts.added ?? 0;
    // Something real came back for each category (across the subjects), and the large answers were paged.
    for (const category of CATEGORIES.filter((c) => c !== 'gst.ims_2a')) {
      expect(subjects.reduce((n, g) => n + added(category, g), 0)).toBeGreaterThan(0);
    }
    expect(added('gst.gstr2b', gstin(3))).toBeGreaterThan(500);
    // gstin(5) sold nothing in the period: every GSTR-1 / 1A section answers RET11416.
    const gstr1Of5 = results.find(
      (_, i) => jobs[i].category === 'gst.gstr1_1a' && jobs[i].subject.value === gstin(5),
    );
    expect(gstr1Of5).toMatchObject({ outcome: 'no_data', counts: { added: 0, removed: 0 } });
    // The run log says what the portal answered.
    expect(gstr1Of5?.errorMessage).toMatch(/the GST portal answered "no data": RET11416 for GSTR-1 /);
    expect(added('gst.ims_2a', gstin(3))).toBeGreaterThan(500);

    const again = jobs.map((j) => ({ ...j, jobId: uuidv7(), runId: uuidv7() }));
    const second = await run(again);
    for (const [i, result] of second.entries()) {
      expect(result.outcome).toBe(results[i].outcome === 'no_data' ? 'no_data' : 'no_change');
    }
    for (const j of again) expect(probe.recordsOf(j.jobId)).toEqual([]);
  });

  it('opens the breaker in an outage, holds the portal’s jobs without calling it while open, and runs them once it is back', async () => {
    const g = gstin(7);
    // The failure percentage is measured over the last 2 s: let the earlier successes age out of it.
    await new Promise((r) => setTimeout(r, 2100));
    await sandbox.faults('gst', { outage: true });
    const early = [1, 2, 3, 4].map(() => job('gst.gstr2b', g));
    const late = [1, 2, 3].map(() => job('gst.gstr2b', g));
    try {
      // Calls fail until the breaker opens (3 failures in the window); from then on no job is tried or failed.
      await probe.publishJobs('gst', harness.firmId, early);
      await waitFor(
        async () => (await metric(connector.url, 'connector_breaker_state', 'portal="gst"')) === 2,
        { timeoutMs: 30_000, description: 'the gst breaker to open' },
      );
      const before = await sandbox.requests('gst');
      await probe.publishJobs('gst', harness.firmId, late);
      await waitFor(
        async () =>
          ((await metric(connector.url, 'connector_jobs_waiting_on_outage', 'portal="gst"')) ?? 0) >=
          late.length,
        { timeoutMs: 30_000, description: 'the jobs published while the breaker is open to wait for it' },
      );
      // Still open (reset after 4 s): nothing reached the portal meanwhile.
      expect(await sandbox.requests('gst')).toBe(before);
    } finally {
      await sandbox.faults('gst', { outage: false });
    }
    // Back: after the breaker's reset a probe succeeds and the waiting jobs run, each once.
    const [earlyResults, lateResults] = await Promise.all([
      probe.waitForResults(early.map((j) => j.jobId)),
      probe.waitForResults(late.map((j) => j.jobId)),
    ]);
    // The same GSTIN and period each time: the first to fetch adds the records, the others find no change.
    const fetched = (r: { outcome: string; errorCode: string | null }) =>
      (r.outcome === 'succeeded' || r.outcome === 'no_change') && r.errorCode === null;
    for (const r of lateResults) expect(fetched(r) ? 'fetched' : r).toBe('fetched');
    // A job whose call failed before the breaker opened failed as before (the orchestrator retries it).
    for (const r of earlyResults) {
      const failedFast = r.outcome === 'failed' && r.errorCode === 'portal_unavailable' && r.retryable;
      expect(fetched(r) || failedFast ? 'fetched or failed fast' : r).toBe('fetched or failed fast');
    }
    expect(await metric(connector.url, 'connector_breaker_state', 'portal="gst"')).toBe(0);
    expect(await metric(connector.url, 'connector_jobs_waiting_on_outage', 'portal="gst"')).toBe(0);
  });

  it('ends otp_required when the session lapsed, and then stops calling the portal for that GSTIN', async () => {
    const g = gstin(0);
    // Past every access window (at most 30 days): the token is dead and cannot be refreshed.
    await sandbox.advanceDays(31);
    const [first] = await run([job('gst.gstr2b', g)]);
    expect(first).toMatchObject({ outcome: 'failed', errorCode: 'otp_required', retryable: false });
    const calls = await sandbox.requests('gst', g);
    const next = await run([job('gst.gstr1_1a', g), job('gst.gstr2b', g)]);
    for (const r of next) expect(r.errorCode).toBe('otp_required');
    expect(await sandbox.requests('gst', g)).toBe(calls);
    const status = await api('GET', '/credentials?status=otp_required');
    expect((status.body['items'] as { identifier: string }[]).map((i) => i.identifier)).toContain(g);
    // A person acts: a new OTP opens the session again.
    await login(g);
    const [ok] = await run([job('gst.gstr2b', g)]);
    expect(ok.errorCode).toBeNull();
  });

  it("re-entering a GSTIN's credentials and OTP six times closes the old session each time: never locked", async () => {
    const g = gstin(11);
    const closedBefore =
      (await metric(connector.url, 'connector_session_events_total', 'event="closed"')) ?? 0;
    // The sandbox allows 5 live sessions per GSTIN; without LOGOUT the 6th login locks the GSTIN for hours.
    for (let i = 0; i < 6; i++) await login(g);
    const closed = await metric(connector.url, 'connector_session_events_total', 'event="closed"');
    expect((closed ?? 0) - closedBefore).toBe(5);
    const [result] = await run([job('gst.gstr2b', g)]);
    expect(result).toMatchObject({ outcome: 'succeeded', errorCode: null });
  });

  it('says for how long and what to do when the portal locks a GSTIN out (AUTH403)', async () => {
    const g = gstin(12);
    // Five other firms hold the GSTIN's five sessions; this firm's login is one too many.
    for (let i = 0; i < 5; i++) {
      const other = uuidv7();
      expect((await api('PUT', `/credentials/gst/${g}`, { username: 'u' }, other)).status).toBe(200);
      expect((await api('POST', `/credentials/gst/${g}/otp`, { otp: '575757' }, other)).status).toBe(200);
    }
    expect((await api('PUT', `/credentials/gst/${g}`, { username: 'taxpayer-api-user' })).status).toBe(200);
    const locked = await api('POST', `/credentials/gst/${g}/otp`, { otp: '575757' });
    expect(locked.status).toBe(422);
    expect(locked.body['title']).toBe('GST access locked by the portal');
    const detail = String(locked.body['detail']);
    // The sandbox locks for 360 minutes of its clock by default.
    expect(detail).toMatch(
      /locked API access for 27AAACR0012K1Z. until \d{4}-\d{2}-\d{2}T.*\(a lock of about 6 h\)/,
    );
    expect(detail).toContain(`PUT /v1/credentials/gst/${g}`);
    const failed = await api('GET', '/credentials?status=failed');
    expect(failed.body['items']).toEqual([expect.objectContaining({ identifier: g, detail })]);
    const calls = await sandbox.requests('gst', g);
    const [result] = await run([job('gst.gstr2b', g)]);
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'auth_failed', retryable: false });
    expect(result.errorMessage).toBe(detail);
    expect(await sandbox.requests('gst', g)).toBe(calls);
  });

  // Last: the connector then holds every GST call for the portal's Retry-After (up to a minute).
  it('reports a throttled job at once with the time the portal allows the next call', async () => {
    const g = gstin(11);
    await sandbox.faults('gst', { rateLimitPerMinute: 1 });
    try {
      const [first] = await run([job('gst.gstr2b', g)]);
      const [throttled] = first.errorCode === 'rate_limited' ? [first] : await run([job('gst.gstr2b', g)]);
      expect(throttled).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited', retryable: true });
      // The sandbox's Retry-After (up to 60 s) is beyond the connector's bound: no in-process wait.
      expect(throttled.retryAfterMs).toBeGreaterThan(10_000);
      expect(throttled.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(Date.parse(throttled.finishedAt) - Date.parse(throttled.startedAt)).toBeLessThan(5_000);
      // Meanwhile the connector does not call the throttled portal at all.
      const calls = await sandbox.requests('gst');
      const [held] = await run([job('gst.gstr2b', gstin(5))]);
      expect(held).toMatchObject({ errorCode: 'rate_limited' });
      expect(held.retryAfterMs).toBeGreaterThan(0);
      expect(await sandbox.requests('gst')).toBe(calls);
      expect(await metric(connector.url, 'connector_rate_limited_jobs_total', 'category="gst.gstr2b"')).toBe(
        2,
      );
    } finally {
      await sandbox.faults('gst', { rateLimitPerMinute: null });
    }
  });
});

/** A sample of `name` whose labels include `label` (the registry adds a `service` label to every series). */
async function metric(url: string, name: string, label: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : undefined;
}
