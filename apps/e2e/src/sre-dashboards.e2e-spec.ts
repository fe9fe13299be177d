import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { gstinCheckCharacter, TOPIC_ROLES } from '@practice-sync/contracts';
import type { StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

import { ApiClient } from './api-client';
import { dashboardQueries, exportedNamesNeeded, exposedNames, readRules } from './promql-metrics';

const ROOT = join(__dirname, '..', '..', '..');
const DASHBOARDS = join(ROOT, 'deploy', 'grafana', 'dashboards');
const RULES = join(ROOT, 'deploy', 'prometheus', 'rules');
/** Series Prometheus itself adds to every scrape target; no service exports them. */
const FROM_PROMETHEUS = new Set(['up']);

function gstinFor(pan: string): string {
  const first14 = `27${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/**
 * The SRE dashboards (deploy/grafana) and Prometheus rules (deploy/prometheus) refer only to metrics the services
 * export: every metric name in their PromQL (recording rules resolved to what they read) is checked against the
 * live /metrics of a whole stack after a tiny sync run.
 */
describe('SRE dashboards and rules use only exported metrics', () => {
  let stack: StackHandle;
  const exposition: Record<string, string> = {};
  let exported: Set<string>;
  const { records, alerts } = readRules(RULES);

  beforeAll(async () => {
    // Lax access: the subject is the metrics, not portal access; the jobs reach the sandbox portals.
    stack = await startStack({ access: 'lax' });
    const firm = await stack.createFirmWithAdmin('SRE Dashboards & Co');
    const api = new ApiClient(stack.gatewayUrl, firm.adminApiKey);
    const client = await api.post<{ id: string }>('/v1/clients', {
      name: 'Metrics Ltd',
      pan: 'AAACR5055K',
      gstins: [gstinFor('AAACR5055K')],
    });
    expect(client.status).toBe(201);
    const run = await api.post<{ id: string }>('/v1/sync-runs', {
      clients: { ids: [client.body.id] },
      categories: ['gst.gstr2b', 'itr.filing_status'],
    });
    expect(run.status).toBe(202);
    await waitFor(
      async () => {
        const r = await api.get<{ status: string }>(`/v1/sync-runs/${run.body.id}`);
        return r.body.status === 'completed' ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'the run to complete' },
    );
    for (const [name, url] of Object.entries(stack.urls)) {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      exposition[name] = await res.text();
    }
    exported = new Set(Object.values(exposition).flatMap((text) => [...exposedNames(text)]));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  function missing(expr: string): string[] {
    return exportedNamesNeeded(expr, records).filter((n) => !exported.has(n) && !FROM_PROMETHEUS.has(n));
  }

  const dashboards = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));

  it.each(dashboards)('%s: every panel queries exported metrics', (file) => {
    const queries = dashboardQueries(JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')));
    expect(queries.length).toBeGreaterThan(5);
    const unknown = queries.flatMap((q) => missing(q.expr).map((metric) => `${q.panel}: ${metric}`));
    expect(unknown).toEqual([]);
  });

  it('every recording and alerting rule reads exported metrics', () => {
    expect(alerts.size).toBeGreaterThan(0);
    const unknown = [...records, ...alerts].flatMap(([name, expr]) =>
      missing(expr).map((m) => `${name}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });

  it('the series the boards are about exist after a run, with their labels', () => {
    const has = (service: string, pattern: RegExp) => ({
      service,
      pattern: String(pattern),
      found: pattern.test(exposition[service]),
    });
    const expectations = [
      has('sync-orchestrator', /^sync_job_duration_seconds_bucket\{[^}]*portal="gst"/m),
      has('sync-orchestrator', /^sync_runs_active\{[^}]*status="running"/m),
      has('sync-orchestrator', /^sync_run_stalled_seconds\{/m),
      has('gateway', /^http_server_requests_total\{[^}]*route="\/v1\/sync-runs"/m),
      has('client-master', /^messaging_consumer_lag\{[^}]*topic="[^"]*sync\.results\.v1"/m),
      has('client-master', /^messaging_dlq_messages\{[^}]*topic="[^"]*sync\.results\.v1\.dlq"/m),
      has('connector-gst', /^messaging_outbox_oldest_age_seconds\{/m),
      has('connector-gst', /^connector_portal_request_seconds_bucket\{/m),
      has('connector-itr', /^connector_portal_access\{[^}]*status="otp_required"/m),
      has('connector-itr', /^db_pool_connections\{[^}]*state="idle"/m),
    ];
    expect(expectations.filter((e) => !e.found)).toEqual([]);
  });

  // The AsyncAPI document's receive operations come from TOPIC_ROLES: the live consumer groups of a whole
  // stack must be exactly the table's, each reading exactly the topics the table gives it.
  it('the consumer groups of a running stack read exactly the topics TOPIC_ROLES says', async () => {
    const expected: Record<string, string[]> = {};
    for (const [topic, { consumers }] of Object.entries(TOPIC_ROLES)) {
      for (const { group } of consumers) {
        (expected[stack.topicPrefix + group] ??= []).push(stack.topicPrefix + topic);
      }
    }
    const admin = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const live = await waitFor(
        async () => {
          const ids = (await admin.listGroups()).groups
            .map((g) => g.groupId)
            .filter((id) => id.startsWith(stack.topicPrefix));
          const { groups } = await admin.describeGroups(ids);
          if (groups.some((g) => g.state !== 'Stable')) return undefined;
          return Object.fromEntries(
            groups.map((g) => [
              g.groupId,
              [
                ...new Set(
                  g.members.flatMap(
                    (m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? [],
                  ),
                ),
              ].sort(),
            ]),
          );
        },
        { timeoutMs: 30_000, intervalMs: 500, description: 'every consumer group stable' },
      );
      expect(live).toEqual(Object.fromEntries(Object.entries(expected).map(([g, t]) => [g, t.sort()])));
    } finally {
      await admin.disconnect();
    }
  });
});
