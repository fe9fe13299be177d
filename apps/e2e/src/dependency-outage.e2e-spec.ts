import type { PrivateKafka, ServiceName, StackHandle } from '@practice-sync/testing';
import { startPrivateKafka, startStack, waitFor, withDatabase } from '@practice-sync/testing';
import { Client } from 'pg';

import { call } from './gateway-http';
import type { Job, Page, Run } from './sync-run-views';
import { gstinFor } from './sync-run-views';

/**
 * The whole stack riding out its dependencies going away, without a restart of its own: the broker (a PRIVATE
 * one, on PS_PRIVATE_KAFKA_PORT — 29092 by default — stopped and started again: the shared broker is never
 * touched) and PostgreSQL (the run's own database on the shared server refuses connections and every connection
 * to it is terminated, then it is allowed again: the server is never restarted). Every service's readiness turns
 * red while its dependency is gone and green when it is back, no process exits, and runs started before or during
 * the outage complete equal to a run with no outage (outcomes, records, change feed): nothing lost or doubled.
 */

const CLIENTS = 10;
const CATEGORIES = ['gst.notices_return_register', 'itr.returns', 'esign.signature_timestamps'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const panFor = (n: number) => `DOUP${LETTERS[n % 26]}${String(2000 + n)}${LETTERS[(n * 7) % 26]}`;
/** Services with a Kafka readiness check (all but the gateway, which talks HTTP only, and the sandbox). */
const ON_KAFKA: ServiceName[] = [
  'client-master',
  'sync-orchestrator',
  'connector-gst',
  'connector-itr',
  'connector-esign',
  'connector-books',
];
const ON_DATABASE: ServiceName[] = [...ON_KAFKA, 'gateway'];

interface RunResult {
  run: Run;
  outcomes: Record<string, string | null>;
  records: Record<string, string[]>;
  feed: Record<string, number>;
}

describe('riding out a broker restart and a database outage (whole stack)', () => {
  let kafka: PrivateKafka;
  let stack: StackHandle;
  let admin: Client;
  let database: string;
  let reference: RunResult;
  /** Seconds from the dependency's return to each service's readiness being green again, per outage. */
  const backAfter: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    kafka = await startPrivateKafka();
    stack = await startStack({
      kafkaBrokers: kafka.brokers.join(','),
      access: 'lax',
      env: {
        PORTAL_RATE_LIMIT_PER_MINUTE: '0',
        SANDBOX_QUEUE_READY_MS: '200',
        SANDBOX_ITR_JOB_READY_MS: '200',
        SANDBOX_ESIGN_POLL_INTERVAL_MS: '0',
        ASYNC_POLL_INTERVAL_MS: '100',
        RATE_LIMIT_POINTS: '1000000000',
        DISPATCH_POLL_MS: '100',
        JOB_RETRY_BASE_MS: '500',
        JOB_RETRY_MAX_MS: '2000',
      },
    });
    database = new URL(stack.databaseUrl).pathname.slice(1);
    admin = new Client({ connectionString: withDatabase(stack.databaseUrl, 'postgres') });
    admin.on('error', () => undefined);
    await admin.connect();
  }, 600_000);

  afterAll(async () => {
    if (admin) {
      await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    }
    await stack?.stop();
    await kafka?.destroy();
    if (Object.keys(backAfter).length)
      process.stdout.write(`readiness back after (s): ${JSON.stringify(backAfter)}\n`);
  }, 180_000);

  const api = <T>(key: string, method: string, path: string, body?: unknown, contentType?: string) =>
    call<T>(stack.gatewayUrl, method, path, {
      key,
      ...(typeof body === 'string' ? { raw: body, contentType } : body === undefined ? {} : { body }),
    });

  async function pages<T>(key: string, path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const q = `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<T> = (await api<Page<T>>(key, 'GET', q)).body;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  async function firm(name: string): Promise<string> {
    const { adminApiKey: key } = await stack.createFirmWithAdmin(name);
    const rows = ['name,pan,gstins,esignClientFileId,tags'];
    for (let n = 0; n < CLIENTS; n++)
      rows.push([`Outage client ${n}`, panFor(n), gstinFor(panFor(n)), `DOU-CF-${n}`, 'outage'].join(','));
    const imported = await api<{ totals: Record<string, number> }>(
      key,
      'POST',
      '/v1/clients/import',
      `${rows.join('\n')}\n`,
      'text/csv',
    );
    expect(imported.body.totals['created']).toBe(CLIENTS);
    return key;
  }

  async function startRun(key: string): Promise<string> {
    const started = await api<Run>(key, 'POST', '/v1/sync-runs', {
      clients: { tags: ['outage'] },
      categories: CATEGORIES,
    });
    expect(started.status).toBe(202);
    return started.body.id;
  }

  async function resultOf(key: string, runId: string): Promise<RunResult> {
    const run = await waitFor(
      async () => {
        const r = (await api<Run>(key, 'GET', `/v1/sync-runs/${runId}`)).body;
        return r.finishedAt ? r : undefined;
      },
      { timeoutMs: 10 * 60_000, intervalMs: 1000, description: `run ${runId} to finish` },
    );
    const clients = await pages<{ id: string; pan: string }>(key, '/v1/clients');
    const panOf = new Map(clients.map((c) => [c.id, c.pan]));
    const outcomes: Record<string, string | null> = {};
    for (const j of await pages<Job>(key, `/v1/sync-runs/${runId}/jobs`))
      outcomes[`${panOf.get(j.clientId)}|${j.category}|${j.period}`] = j.outcome;
    const records: Record<string, string[]> = {};
    const feed: Record<string, number> = {};
    for (const c of clients) {
      records[c.pan] = (
        await pages<{
          category: string;
          period: string | null;
          naturalKey: string;
          hash: string;
          version: number;
        }>(key, `/v1/clients/${c.id}/records`)
      )
        .map((r) => `${r.category}|${r.period}|${r.naturalKey}|${r.hash}|${r.version}`)
        .sort();
      feed[c.pan] = (await pages<unknown>(key, `/v1/clients/${c.id}/changes`)).length;
    }
    return { run, outcomes, records, feed };
  }

  function expectSame(actual: RunResult): void {
    expect(actual.run.status).toBe('completed');
    expect(actual.run.totals).toEqual(reference.run.totals);
    expect(actual.outcomes).toEqual(reference.outcomes);
    expect(actual.records).toEqual(reference.records);
    expect(actual.feed).toEqual(reference.feed);
  }

  const readiness = async (service: ServiceName) => {
    const res = await fetch(`${stack.urls[service]}/health/ready`, { signal: AbortSignal.timeout(10_000) });
    return {
      status: res.status,
      checks: ((await res.json()) as { checks: Record<string, { status: string }> }).checks,
    };
  };

  /** Waits until every service's readiness is green; the seconds each took from `since`. */
  async function allGreen(services: ServiceName[], since: number): Promise<Record<string, number>> {
    const took: Record<string, number> = {};
    await Promise.all(
      services.map(async (service) => {
        await waitFor(async () => (await readiness(service)).status === 200, {
          timeoutMs: 180_000,
          intervalMs: 250,
          description: `${service} ready again`,
        });
        took[service] = Math.round((Date.now() - since) / 100) / 10;
      }),
    );
    return took;
  }

  const noneExited = () =>
    expect(
      stack
        .instances()
        .filter((i) => !i.alive)
        .map((i) => i.name),
    ).toEqual([]);

  it('a reference run with no outage', async () => {
    const key = await firm('Outage reference');
    reference = await resultOf(key, await startRun(key));
    expect(reference.run.status).toBe('completed');
    expect(Object.keys(reference.outcomes)).toHaveLength(CLIENTS * CATEGORIES.length);
    expect(Object.values(reference.records).flat().length).toBeGreaterThan(CLIENTS);
  }, 900_000);

  it('the broker restarts: readiness red, then green without a restart; a run started during the outage completes once', async () => {
    const key = await firm('Outage broker');
    await kafka.stop();
    await Promise.all(
      ON_KAFKA.map((service) =>
        waitFor(async () => (await readiness(service)).checks['kafka']?.status === 'error', {
          timeoutMs: 60_000,
          intervalMs: 500,
          description: `${service} not ready while the broker is down`,
        }),
      ),
    );
    // The gateway does not use Kafka: it stays ready, and takes the run; the orchestrator keeps it in its outbox.
    expect((await readiness('gateway')).status).toBe(200);
    const runId = await startRun(key);
    await new Promise((r) => setTimeout(r, 5000));
    noneExited();
    await kafka.start();
    backAfter['broker'] = await allGreen(ON_KAFKA, Date.now());
    expectSame(await resultOf(key, runId));
    noneExited();
  }, 900_000);

  it('the database goes away mid-run: readiness red, then green without a restart; the run completes once', async () => {
    const key = await firm('Outage database');
    const runId = await startRun(key);
    await waitFor(
      async () => {
        const { totals } = (await api<Run>(key, 'GET', `/v1/sync-runs/${runId}`)).body;
        return (totals['jobs'] ?? 0) > 0 && (totals['pending'] ?? 0) < (totals['jobs'] ?? 0);
      },
      { timeoutMs: 120_000, intervalMs: 200, description: 'the run under way' },
    );
    await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    await Promise.all(
      ON_DATABASE.map((service) =>
        waitFor(async () => (await readiness(service)).checks['database']?.status === 'error', {
          timeoutMs: 60_000,
          intervalMs: 500,
          description: `${service} not ready while the database is gone`,
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 8000));
    noneExited();
    await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    backAfter['database'] = await allGreen(ON_DATABASE, Date.now());
    expectSame(await resultOf(key, runId));
    noneExited();
  }, 900_000);
});
