import {
  Categories,
  gstinCheckCharacter,
  lastCompletedAssessmentYear,
  latestAssessmentYear,
  latestClosedGstPeriod,
  latestGstPeriod,
  latestGstr2bPeriod,
} from '@practice-sync/contracts';
import type { StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';

import type { Answer, CallOptions } from './gateway-http';
import { call } from './gateway-http';

/**
 * Answers a firm can trust on its first day (issue 19, items 2, 6 and 10), through the public API on a real
 * stack: runs without a period use the latest period that has data and future periods are refused; a
 * selection that matches nobody is a 422 naming what, and offices and tags match whatever their case; text
 * PostgreSQL cannot store is a 422 naming the field; the category catalogue and `all`; schedules with a time
 * zone and calendar durations. The services run on real time, so expectations are computed from "now" with
 * the same rules (libs/contracts periods); the rules themselves are unit-tested around their boundaries.
 */
interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}
interface Client {
  id: string;
  name: string;
}
interface Run {
  id: string;
  categories: string[];
  period: Record<string, string>;
  totals: { jobs: number };
}
interface Job {
  category: string;
  period: string | null;
}
interface List<T> {
  items: T[];
  nextCursor: string | null;
}
interface Category {
  id: string;
  portal: string;
  subject: string;
  description: string;
  defaultPeriod: string | null;
}

const TYPE = 'https://practice-sync.dev/problems/';

function gstinFor(pan: string, state = '27'): string {
  const first14 = `${state}${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

function problem(res: Answer, status: number, type: string): Problem {
  expect({ status: res.status, contentType: res.contentType }).toEqual({
    status,
    contentType: expect.stringContaining('application/problem+json'),
  });
  const body = res.body as unknown as Problem;
  expect(body.type).toBe(`${TYPE}${type}`);
  return body;
}

describe('answers a firm can trust: periods, selections, text, catalogue, schedules', () => {
  let stack: StackHandle;
  let api: (method: string, path: string, options?: CallOptions) => Promise<Answer>;
  let admin: string;
  let viewer: string;
  let clients: Client[];
  let otherFirmClient: Client;

  const post = (path: string, body: unknown) => api('POST', path, { key: admin, body });

  async function jobsOf(runId: string, expected: number): Promise<Job[]> {
    return waitFor(
      async () => {
        const res = await api('GET', `/v1/sync-runs/${runId}/jobs?limit=100`, { key: admin });
        const items = (res.body as unknown as List<Job>).items;
        return items.length >= expected ? items : undefined;
      },
      { timeoutMs: 60_000, description: `${expected} jobs of run ${runId}` },
    );
  }

  beforeAll(async () => {
    stack = await startStack();
    api = (method, path, options) => call(stack.gatewayUrl, method, path, options);
    const firm = await stack.createFirmWithAdmin('Trust Associates');
    admin = firm.adminApiKey;
    const key = await api('POST', `/v1/firms/${firm.firmId}/api-keys`, {
      key: admin,
      body: { name: 'dashboard', role: 'viewer' },
    });
    viewer = (key.body as { key: string }).key;
    clients = [];
    for (const [pan, office, tags] of [
      ['AAACT1001A', 'Pune', ['GST-Monthly']],
      ['AAACT1002A', 'Pune', ['GST-Monthly', 'audit']],
      ['AAACT1003A', 'Mumbai', ['audit']],
    ] as const) {
      const res = await post('/v1/clients', {
        name: `Client ${pan}`,
        pan,
        gstins: [gstinFor(pan)],
        office,
        tags,
      });
      expect(res.status).toBe(201);
      clients.push(res.body as unknown as Client);
    }
    const other = await stack.createFirmWithAdmin('Another Firm');
    const res = await api('POST', '/v1/clients', {
      key: other.adminApiKey,
      body: { name: 'Not yours', pan: 'AAACT1009A' },
    });
    expect(res.status).toBe(201);
    otherFirmClient = res.body as unknown as Client;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('periods', () => {
    it('serves the catalogue with each default period, to any key', async () => {
      const now = new Date();
      for (const key of [viewer, stack.platformApiKey]) {
        const res = await api('GET', '/v1/categories', { key });
        expect(res.status).toBe(200);
        const items = (res.body as unknown as { items: Category[] }).items;
        expect(items.map((c) => c.id)).toEqual([...Categories]);
        const byId = new Map(items.map((c) => [c.id, c]));
        expect(byId.get('gst.gstr2b')).toMatchObject({
          portal: 'gst',
          subject: 'gstin',
          description: 'GSTR-2B (all pages)',
          defaultPeriod: latestGstr2bPeriod(now),
        });
        expect(byId.get('gst.gstr3b_ledgers')?.defaultPeriod).toBe(latestClosedGstPeriod(now));
        expect(byId.get('itr.returns')?.defaultPeriod).toBe(lastCompletedAssessmentYear(now));
        expect(byId.get('esign.signature_timestamps')?.defaultPeriod).toBeNull();
      }
    });

    it('runs without a period on the latest period that has data, per category', async () => {
      const now = new Date();
      const res = await post('/v1/sync-runs', {
        clients: { ids: [clients[0].id] },
        categories: ['gst.gstr2b', 'gst.gstr3b_ledgers', 'itr.returns'],
      });
      expect(res.status).toBe(202);
      const run = res.body as unknown as Run;
      const jobs = await jobsOf(run.id, 3);
      const periodOf = (category: string) => jobs.find((j) => j.category === category)?.period;
      expect(periodOf('gst.gstr2b')).toBe(latestGstr2bPeriod(now));
      expect(periodOf('gst.gstr3b_ledgers')).toBe(latestClosedGstPeriod(now));
      // The last completed assessment year, not the one whose financial year is still running.
      expect(periodOf('itr.returns')).toBe(lastCompletedAssessmentYear(now));
      expect(run.period.itr).toBe(lastCompletedAssessmentYear(now));
    });

    it('refuses future periods with a 422 naming the field and the latest valid period', async () => {
      const now = new Date();
      const res = await post('/v1/sync-runs', {
        clients: { all: true },
        categories: ['gst.gstr3b_ledgers', 'itr.returns'],
        period: { gst: '012030', itr: '2040-41' },
      });
      const body = problem(res, 422, 'period-not-available');
      expect(body.errors).toEqual([
        {
          field: 'period.gst',
          message: expect.stringContaining(
            `012030 is in the future; the latest period is ${latestGstPeriod(now)}`,
          ),
        },
        {
          field: 'period.itr',
          message: expect.stringContaining(`the latest assessment year is ${latestAssessmentYear(now)}`),
        },
      ]);
    });

    it('refuses "all years" (a null assessment year) with how to ask, not a type error', async () => {
      const res = await post('/v1/sync-runs', {
        clients: { all: true },
        categories: ['itr.returns'],
        period: { itr: null },
      });
      const body = problem(res, 400, 'validation-error');
      expect(body.errors).toEqual([
        { field: 'period.itr', message: expect.stringContaining('one run syncs one year') },
      ]);
      expect(JSON.stringify(body)).not.toContain('Expected string');
    });
  });

  describe('selections', () => {
    it('answers 422 naming the tag, the office or the ids that match no client of the firm', async () => {
      const runCount = async () =>
        ((await api('GET', '/v1/sync-runs?limit=100', { key: admin })).body as unknown as List<Run>).items
          .length;
      const before = await runCount();
      const tag = problem(
        await post('/v1/sync-runs', { clients: { tags: ['audit', 'no-such-tag'] }, categories: ['gst.all'] }),
        422,
        'selection-matches-nothing',
      );
      expect(tag.errors).toEqual([
        { field: 'clients.tags[1]', message: expect.stringContaining('no-such-tag') },
      ]);

      const office = problem(
        await post('/v1/sync-runs', { clients: { offices: ['Nagpur'] }, categories: ['gst.all'] }),
        422,
        'selection-matches-nothing',
      );
      expect(office.errors).toEqual([
        { field: 'clients.offices[0]', message: expect.stringContaining('Nagpur') },
      ]);

      // Another firm's client and an id that exists nowhere are reported alike: nothing tells them apart.
      const nowhere = '0193a8f4-0000-7000-8000-0000000000ff';
      const ids = problem(
        await post('/v1/sync-runs', {
          clients: { ids: [clients[0].id, otherFirmClient.id, nowhere] },
          categories: ['gst.all'],
        }),
        422,
        'selection-matches-nothing',
      );
      expect(ids.errors).toEqual([
        { field: 'clients.ids[1]', message: `no client of this firm has the id ${otherFirmClient.id}` },
        { field: 'clients.ids[2]', message: `no client of this firm has the id ${nowhere}` },
      ]);
      // No run was created for any of them.
      expect(await runCount()).toBe(before);
    });

    it('matches offices and tags whatever their case', async () => {
      const byOffice = await post('/v1/sync-runs', {
        clients: { offices: ['PUNE'] },
        categories: ['gst.gstr2b'],
      });
      expect(byOffice.status).toBe(202);
      expect(await jobsOf((byOffice.body as unknown as Run).id, 2)).toHaveLength(2);
      const byTag = await post('/v1/sync-runs', {
        clients: { tags: ['gst-monthly'] },
        categories: ['itr.returns'],
      });
      expect(byTag.status).toBe(202);
      expect(await jobsOf((byTag.body as unknown as Run).id, 2)).toHaveLength(2);
      const listed = await api('GET', '/v1/clients?office=mumbai', { key: admin });
      expect((listed.body as unknown as List<Client>).items.map((c) => c.id)).toEqual([clients[2].id]);
    });

    it('`all` selects every category of every portal', async () => {
      const res = await post('/v1/sync-runs', { clients: { ids: [clients[2].id] }, categories: ['all'] });
      expect(res.status).toBe(202);
      expect((res.body as unknown as Run).categories).toEqual([...Categories]);
      expect(await jobsOf((res.body as unknown as Run).id, Categories.length)).toHaveLength(
        Categories.length,
      );
    });
  });

  describe('text PostgreSQL cannot store', () => {
    it('is a 422 naming the field in a body, a query parameter, a path and a CSV cell', async () => {
      const body = problem(
        await post('/v1/clients', { name: 'Nul\u0000Traders', pan: 'AAACT1004A' }),
        422,
        'unstorable-text',
      );
      expect(body.errors).toEqual([{ field: 'name', message: expect.stringContaining('NUL') }]);

      const query = problem(await api('GET', '/v1/clients?q=a%00b', { key: admin }), 422, 'unstorable-text');
      expect(query.errors).toEqual([{ field: 'query.q', message: expect.stringContaining('NUL') }]);

      const path = problem(await api('GET', `/v1/sync-runs/x%00y`, { key: admin }), 422, 'unstorable-text');
      expect(path.errors?.[0].field).toBe('path');

      const csv = problem(
        await api('POST', '/v1/clients/import', {
          key: admin,
          raw: 'name,pan,office\nGood Traders,AAACT1005A,Pune\nBad\u0000Traders,,Pune\n',
          contentType: 'text/csv',
        }),
        422,
        'unstorable-text',
      );
      expect(csv.errors).toEqual([{ field: 'row[3].name', message: expect.stringContaining('NUL') }]);
      // Nothing of the refused file was imported.
      const found = await api('GET', '/v1/clients?q=Good%20Traders', { key: admin });
      expect((found.body as unknown as List<Client>).items).toHaveLength(0);
    });

    it('an unknown route is a problem of our own type, never about:blank', async () => {
      const res = await api('GET', '/v1/no-such-route', { key: admin });
      expect((res.body as unknown as Problem).type).toBe(`${TYPE}not-found`);
    });
  });

  describe('schedules', () => {
    const schedule = (timing: Record<string, string>) =>
      post('/v1/sync-schedules', {
        name: 'monthly',
        clients: { all: true },
        categories: ['gst.gstr2b'],
        ...timing,
      });

    it('reads a cron expression in the time zone given, Asia/Kolkata by default', async () => {
      const dubai = await schedule({ cron: '0 9 * * *', timezone: 'Asia/Dubai' });
      expect(dubai.status).toBe(201);
      expect(dubai.body).toMatchObject({ cron: '0 9 * * *', timezone: 'Asia/Dubai' });
      // 09:00 in Dubai (UTC+4) is 05:00 UTC.
      expect(new Date((dubai.body as { nextRunAt: string }).nextRunAt).getUTCHours()).toBe(5);
      const india = await schedule({ cron: '0 9 * * *' });
      expect(india.body).toMatchObject({ timezone: 'Asia/Kolkata' });
      expect(new Date((india.body as { nextRunAt: string }).nextRunAt).toISOString()).toMatch(/T03:30:00/);

      const zone = problem(
        await schedule({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }),
        400,
        'validation-error',
      );
      expect(zone.errors).toEqual([{ field: 'timezone', message: expect.stringContaining('IANA') }]);
    });

    it('accepts P1M (by the calendar) and refuses other durations with the real reason', async () => {
      const monthly = await schedule({ every: 'P1M', notBefore: '2030-01-31T09:00:00+05:30' });
      expect(monthly.status).toBe(201);
      expect(monthly.body).toMatchObject({ every: 'P1M', nextRunAt: '2030-01-31T03:30:00.000Z' });
      const tooOften = problem(await schedule({ every: 'PT1M' }), 400, 'validation-error');
      expect(tooOften.errors).toEqual([{ field: 'every', message: 'must be at least PT5M (five minutes)' }]);
      const fraction = problem(await schedule({ every: 'P1.5M' }), 400, 'validation-error');
      expect(fraction.errors?.[0].message).toContain('whole numbers');
    });
  });
});
