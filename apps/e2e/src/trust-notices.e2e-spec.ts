import { gstinCheckCharacter } from '@practice-sync/contracts';
import type { StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';
import { Kafka, logLevel } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';

import type { Answer, CallOptions } from './gateway-http';
import { call } from './gateway-http';
import type { Page, Run } from './sync-run-views';

interface NoticeRecord {
  period: string;
  data: { kind?: string; arn?: string; status?: string; dueDateOfReply?: string } | null;
}
interface Notice {
  client: { id: string; name: string };
  noticeId: string;
  section: string | null;
  status: string;
  dueDate: string | null;
  issuedOn: string | null;
  portalDates: { dueDate: string | null; issuedOn: string | null };
  source: { portal: string; category: string; subject: { kind: string; value: string } };
}
interface NoticeEvent {
  type: string;
  firmId: string;
  data: { clientId: string; noticeId: string; status: string; dueDate: string | null };
}

const CATEGORY = 'gst.notices_return_register';
const ISO = /^\d{4}-\d{2}-\d{2}$/;

function gstin(pan: string, state: string): string {
  const first14 = `${state}${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/** The GST period `MMYYYY` some months before now. */
function monthsBack(n: number): string {
  const d = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - n, 1));
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}${d.getUTCFullYear()}`;
}

/** `DD-MM-YYYY` (GST) as `YYYY-MM-DD`. */
const isoOf = (gst: string) => `${gst.slice(6, 10)}-${gst.slice(3, 5)}-${gst.slice(0, 2)}`;

/**
 * Issue 19, "notices re-alerted", through the public API on a real stack: the GST notices list is the same
 * whatever period is synced, so two periods' syncs fetch every notice twice; a notice is still one notice,
 * announced once (never when first seen closed), and `GET /v1/notices` lists the open ones by ISO due date.
 */
describe('trust: notices are one per client, announced once, listed by due date', () => {
  let stack: StackHandle;
  let api: (method: string, path: string, options?: CallOptions) => Promise<Answer>;
  let admin: string;
  let viewer: string;
  // Two clients, four GSTINs each: enough notices that some are open and some closed, whatever the day.
  const clients = [
    { name: 'Notice Traders', pan: 'NTCPA1234A' },
    { name: 'Notice Exports', pan: 'NTCPB5678B' },
  ].map((c) => ({ ...c, gstins: ['27', '29', '07', '33'].map((s) => gstin(c.pan, s)), id: '' }));
  const events: NoticeEvent[] = [];
  let stopKafka: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    stack = await startStack();
    api = (method, path, options) => call(stack.gatewayUrl, method, path, options);
    const firm = await stack.createFirmWithAdmin('Notices Firm');
    admin = firm.adminApiKey;
    const key = await api('POST', `/v1/firms/${firm.firmId}/api-keys`, {
      key: admin,
      body: { name: 'reader', role: 'viewer' },
    });
    expect(key.status).toBe(201);
    viewer = (key.body as { key: string }).key;

    const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `e2e-trust-notices-${uuidv7()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${stack.topicPrefix}client.events.v1`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const e = JSON.parse(message.value?.toString() ?? '{}') as NoticeEvent;
        // The e2e suites share the run's topics: only this firm's notices count.
        if (e.type?.startsWith('client.notice.') && e.firmId === firm.firmId) events.push(e);
      },
    });
    stopKafka = () => consumer.disconnect();
  });

  afterAll(async () => {
    await stopKafka();
    await stack?.stop();
  });

  async function finished(runId: string): Promise<Run> {
    return waitFor(
      async () => {
        const r = (await api('GET', `/v1/sync-runs/${runId}`, { key: viewer })).body as unknown as Run;
        return r.finishedAt ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: `run ${runId} to finish` },
    );
  }

  async function all<T>(path: string, key: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res: Answer = await api('GET', `${path}${sep}limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
        key,
      });
      expect(res.status).toBe(200);
      const page = res.body as unknown as Page<T>;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  it('syncs the GST notices of two periods: one notice per ARN, open ones listed by ISO due date, each announced once', async () => {
    for (const c of clients) {
      const created = await api('POST', '/v1/clients', {
        key: admin,
        body: { name: c.name, pan: c.pan, gstins: c.gstins },
      });
      expect(created.status).toBe(201);
      c.id = (created.body as { id: string }).id;
      for (const g of c.gstins) {
        expect(
          (await api('PUT', `/v1/credentials/gst/${g}`, { key: admin, body: { username: `u-${g}` } })).status,
        ).toBeLessThan(300);
        expect(
          (await api('POST', `/v1/credentials/gst/${g}/otp`, { key: admin, body: { otp: '575757' } })).status,
        ).toBeLessThan(300);
      }
    }
    const periods = [monthsBack(2), monthsBack(3)];
    for (const gst of periods) {
      const started = await api('POST', '/v1/sync-runs', {
        key: admin,
        body: { clients: { ids: clients.map((c) => c.id) }, categories: [CATEGORY], period: { gst } },
      });
      expect(started.status).toBe(202);
      const run = await finished((started.body as { id: string }).id);
      expect(run.totals).toMatchObject({ jobs: 8, failed: 0 });
    }

    // What the portal gave, from the records store: every notice fetched once per period.
    const portal = new Map<string, { clientId: string; status: string; due: string; periods: Set<string> }>();
    for (const c of clients) {
      for (const r of await all<NoticeRecord>(`/v1/clients/${c.id}/records?category=${CATEGORY}`, viewer)) {
        if (r.data?.kind !== 'notice' || !r.data.arn) continue;
        const seen = portal.get(r.data.arn) ?? {
          clientId: c.id,
          status: r.data.status ?? '',
          due: r.data.dueDateOfReply ?? '',
          periods: new Set<string>(),
        };
        seen.periods.add(r.period);
        portal.set(r.data.arn, seen);
      }
    }
    const open = [...portal].filter(([, n]) => n.status !== 'Closed');
    const closed = [...portal].filter(([, n]) => n.status === 'Closed').map(([arn]) => arn);
    // The situation of the issue: each notice came with both periods, and the portal has some of each kind.
    expect([...portal.values()].every((n) => n.periods.size === 2)).toBe(true);
    expect(open.length).toBeGreaterThan(0);
    expect(closed.length).toBeGreaterThan(0);

    // The firm-wide view, as a viewer, paged: one item per open notice, soonest due first, ISO dates.
    const listed = await all<Notice>('/v1/notices', viewer);
    expect(listed.map((n) => n.noticeId).sort()).toEqual(open.map(([arn]) => arn).sort());
    for (const n of listed) {
      const fromPortal = portal.get(n.noticeId);
      expect(n).toMatchObject({
        client: { id: fromPortal?.clientId, name: clients.find((c) => c.id === fromPortal?.clientId)?.name },
        dueDate: isoOf(fromPortal?.due ?? ''),
        portalDates: { dueDate: fromPortal?.due },
        source: { portal: 'gst', category: CATEGORY, subject: { kind: 'gstin' } },
      });
      expect(n.dueDate).toMatch(ISO);
      expect(n.issuedOn).toMatch(ISO);
      expect(['open', 'replied']).toContain(n.status);
    }
    const dues = listed.map((n) => n.dueDate ?? '');
    expect(dues).toEqual([...dues].sort());
    for (const arn of closed) expect(listed.map((n) => n.noticeId)).not.toContain(arn);
    const closedView = await all<Notice>('/v1/notices?status=closed', viewer);
    expect(closedView.map((n) => n.noticeId).sort()).toEqual([...closed].sort());

    const first = clients[0];
    const ofFirst = await all<Notice>(`/v1/notices?clientId=${first.id}`, viewer);
    expect(ofFirst.every((n) => n.client.id === first.id)).toBe(true);
    expect(ofFirst).toHaveLength(open.filter(([, n]) => n.clientId === first.id).length);
    const bad = await api('GET', '/v1/notices?dueBefore=30-05-2026', { key: viewer });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('dueBefore');

    // On Kafka: each open notice announced once, with its ISO due date; no closed one, nothing per period.
    const detected = () => events.filter((e) => e.type === 'client.notice.detected');
    await waitFor(() => (detected().length >= open.length ? true : undefined), {
      timeoutMs: 30_000,
      description: `${open.length} client.notice.detected events`,
    });
    await new Promise((r) => setTimeout(r, 2000));
    expect(
      detected()
        .map((e) => e.data.noticeId)
        .sort(),
    ).toEqual(open.map(([arn]) => arn).sort());
    for (const e of detected()) expect(e.data.dueDate).toBe(isoOf(portal.get(e.data.noticeId)?.due ?? ''));
    expect(events.filter((e) => e.type === 'client.notice.updated')).toEqual([]);
  });
});
