import { gstinCheckCharacter } from '@practice-sync/contracts';
import type { StackHandle } from '@practice-sync/testing';
import { startStack } from '@practice-sync/testing';

import type { Answer, CallOptions } from './gateway-http';
import { call, internalRouteExists, seededRandom } from './gateway-http';

/**
 * The public API's guarantees, through a real stack: tenancy, roles, keys, idempotency, problem details, rate
 * limits, CSV import and a fuzz. Routes whose internal endpoint another issue is still adding are checked for
 * passing the upstream 404 through until that endpoint exists, then for their full behaviour.
 */
const RATE_LIMIT = 400;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: { field: string; message: string }[];
}
interface Client {
  id: string;
  name: string;
  pan: string | null;
}
interface List<T> {
  items: T[];
  nextCursor: string | null;
}

function gstinFor(pan: string, state = '27'): string {
  const first14 = `${state}${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/** 10,000+ distinct valid PANs: AAA + holder type P + a letter + 4 digits + a letter. */
function panNumber(i: number, letter = 'A'): string {
  const fifth = String.fromCharCode(65 + Math.floor(i / 10_000));
  return `${letter}AAP${fifth}${String(i % 10_000).padStart(4, '0')}A`;
}

function expectProblem(res: Answer, status: number): Problem {
  expect({ status: res.status, contentType: res.contentType }).toEqual({
    status,
    contentType: expect.stringContaining('application/problem+json'),
  });
  const problem = res.body as unknown as Problem;
  expect(problem).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.stringMatching(/^\//),
  });
  for (const e of problem.errors ?? [])
    expect(e).toEqual({ field: expect.any(String), message: expect.any(String) });
  return problem;
}

describe('gateway public API', () => {
  let stack: StackHandle;
  let api: (method: string, path: string, options?: CallOptions) => Promise<Answer>;
  let firmA: { firmId: string; admin: string; adminKeyId: string; operator: string; viewer: string };
  let firmB: { firmId: string; admin: string };
  const has = { schedules: false, summary: false, events: false, cancel: false, retry: false };
  const hasClientRoute = { patch: false, delete: false, records: false, changes: false, bulk: false };
  let credentialsListed = false;

  async function newKey(
    firmId: string,
    adminKey: string,
    role: string,
  ): Promise<{ id: string; key: string }> {
    const res = await api('POST', `/v1/firms/${firmId}/api-keys`, {
      key: adminKey,
      body: { name: role, role },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string };
  }

  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_POINTS: String(RATE_LIMIT) } });
    api = (method, path, options) => call(stack.gatewayUrl, method, path, options);
    const a = await stack.createFirmWithAdmin('Firm A');
    const b = await stack.createFirmWithAdmin('Firm B');
    firmA = {
      firmId: a.firmId,
      admin: a.adminApiKey,
      adminKeyId: a.adminKeyId,
      operator: (await newKey(a.firmId, a.adminApiKey, 'operator')).key,
      viewer: (await newKey(a.firmId, a.adminApiKey, 'viewer')).key,
    };
    firmB = { firmId: b.firmId, admin: b.adminApiKey };

    const orch = stack.urls['sync-orchestrator'];
    const cm = stack.urls['client-master'];
    const f = `/internal/v1/firms/${a.firmId}`;
    const someId = '0193a8f4-0000-7000-8000-000000000000';
    has.schedules = await internalRouteExists(orch, 'GET', `${f}/sync-schedules`);
    has.summary = await internalRouteExists(orch, 'GET', `${f}/sync-runs/${someId}/summary`);
    has.events = await internalRouteExists(orch, 'GET', `${f}/sync-runs/${someId}/events`);
    has.cancel = await internalRouteExists(orch, 'POST', `${f}/sync-runs/${someId}/cancel`);
    has.retry = await internalRouteExists(orch, 'POST', `${f}/sync-runs/${someId}/retry`);
    hasClientRoute.patch = await internalRouteExists(cm, 'PATCH', `${f}/clients/${someId}`);
    hasClientRoute.delete = await internalRouteExists(cm, 'DELETE', `${f}/clients/${someId}`);
    hasClientRoute.records = await internalRouteExists(cm, 'GET', `${f}/clients/${someId}/records`);
    hasClientRoute.changes = await internalRouteExists(cm, 'GET', `${f}/clients/${someId}/changes`);
    hasClientRoute.bulk = await internalRouteExists(cm, 'POST', `${f}/clients/bulk`);
    credentialsListed = (
      await Promise.all(
        (['connector-gst', 'connector-itr', 'connector-esign'] as const).map((c) =>
          internalRouteExists(stack.urls[c], 'GET', `${f}/credentials`),
        ),
      )
    ).every(Boolean);
    process.stdout.write(
      `internal routes present: ${JSON.stringify({ ...has, ...hasClientRoute, credentialsListed })}\n`,
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('tenant isolation', () => {
    it("answers 404 to a second firm on every one of the first firm's resources, and never lists them", async () => {
      const pan = 'AAACR5055K';
      const created = await api('POST', '/v1/clients', {
        key: firmA.admin,
        body: { name: 'Isolated Traders', pan, gstins: [gstinFor(pan)], tags: ['iso'], office: 'Pune' },
      });
      expect(created.status).toBe(201);
      const clientId = (created.body as unknown as Client).id;
      const run = await api('POST', '/v1/sync-runs', {
        key: firmA.admin,
        body: { clients: { ids: [clientId] }, categories: ['itr.filing_status'] },
      });
      expect(run.status).toBe(202);
      const runId = run.body.id as string;
      let scheduleId = '0193a8f4-1111-7000-8000-000000000000';
      if (has.schedules) {
        const schedule = await api('POST', '/v1/sync-schedules', {
          key: firmA.admin,
          body: { name: 'A nightly', clients: { all: true }, categories: ['gst.all'], every: 'P1D' },
        });
        expect(schedule.status).toBe(201);
        scheduleId = schedule.body.id as string;
      }

      const foreign: [string, string, unknown?][] = [
        ['GET', `/v1/clients/${clientId}`],
        ['PATCH', `/v1/clients/${clientId}`, { name: 'Taken over' }],
        ['DELETE', `/v1/clients/${clientId}`],
        ['GET', `/v1/clients/${clientId}/status`],
        ['GET', `/v1/clients/${clientId}/records`],
        ['GET', `/v1/clients/${clientId}/changes`],
        ['GET', `/v1/sync-runs/${runId}`],
        ['GET', `/v1/sync-runs/${runId}/jobs`],
        ['GET', `/v1/sync-runs/${runId}/summary`],
        ['GET', `/v1/sync-runs/${runId}/events`],
        ['POST', `/v1/sync-runs/${runId}/cancel`],
        ['POST', `/v1/sync-runs/${runId}/retry`],
        ['GET', `/v1/sync-schedules/${scheduleId}`],
        ['PATCH', `/v1/sync-schedules/${scheduleId}`, { enabled: false }],
        ['DELETE', `/v1/sync-schedules/${scheduleId}`],
        ['GET', `/v1/firms/${firmA.firmId}/api-keys`],
        ['POST', `/v1/firms/${firmA.firmId}/api-keys`, { name: 'intruder', role: 'admin' }],
        ['DELETE', `/v1/firms/${firmA.firmId}/api-keys/${firmA.adminKeyId}`],
      ];
      for (const [method, path, body] of foreign) {
        const res = await api(method, path, { key: firmB.admin, body });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
        expectProblem(res, 404);
      }

      // Nothing of A's changed, and A still reaches everything B was refused.
      const still = await api('GET', `/v1/clients/${clientId}`, { key: firmA.viewer });
      expect(still.body).toEqual(created.body);
      expect((await api('GET', `/v1/sync-runs/${runId}`, { key: firmA.viewer })).status).toBe(200);
      expect((await api('GET', `/v1/sync-runs/${runId}/jobs`, { key: firmA.viewer })).status).toBe(200);
      expect((await api('GET', `/v1/firms/${firmA.firmId}/api-keys`, { key: firmA.admin })).status).toBe(200);
      if (has.schedules) {
        expect(
          (await api('GET', `/v1/sync-schedules/${scheduleId}`, { key: firmA.viewer })).body,
        ).toMatchObject({
          enabled: true,
        });
      }

      // B's lists never include A's resources.
      const lists: [string, boolean][] = [
        ['/v1/clients?limit=200', true],
        ['/v1/clients?tag=iso', true],
        ['/v1/clients?office=Pune', true],
        [`/v1/clients?q=${pan}`, true],
        ['/v1/sync-runs?limit=200', true],
        ['/v1/sync-schedules?limit=200', has.schedules],
        ['/v1/credentials?limit=200', credentialsListed],
      ];
      for (const [path, exists] of lists) {
        const res = await api('GET', path, { key: firmB.admin });
        if (!exists) {
          expectProblem(res, 404);
          continue;
        }
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        const text = JSON.stringify(res.body);
        for (const id of [clientId, runId, scheduleId, pan]) expect(text).not.toContain(id);
      }
      const mine = await api('GET', '/v1/clients?tag=iso', { key: firmA.viewer });
      expect((mine.body as unknown as List<Client>).items.map((c) => c.id)).toEqual([clientId]);
    });
  });

  describe('sync-run follow-up routes', () => {
    it('streams a run as server-sent events until it ends, and forwards summary, cancel and retry', async () => {
      const created = await api('POST', '/v1/clients', {
        key: firmA.admin,
        body: { name: 'Stream Traders', pan: 'SSSPS1234S' },
      });
      const run = await api('POST', '/v1/sync-runs', {
        key: firmA.operator,
        body: { clients: { ids: [created.body.id] }, categories: ['itr.filing_status'] },
      });
      expect(run.status).toBe(202);
      const id = run.body.id as string;
      const events = await api('GET', `/v1/sync-runs/${id}/events`, { key: firmA.viewer });
      if (!has.events) {
        expectProblem(events, 404);
      } else {
        // The stream ends by itself once the run is terminal, so reading it to the end terminates.
        expect(events.status).toBe(200);
        expect(events.contentType).toContain('text/event-stream');
        expect(String(events.body)).toMatch(/^event: \S+\ndata: \{/m);
      }
      const summary = await api('GET', `/v1/sync-runs/${id}/summary`, { key: firmA.viewer });
      if (has.summary) {
        expect(summary.status).toBe(200);
        expect(summary.body).toMatchObject({ items: expect.any(Array), nextCursor: null });
      } else expectProblem(summary, 404);
      const cancel = await api('POST', `/v1/sync-runs/${id}/cancel`, { key: firmA.operator });
      expect(has.cancel ? [200, 409] : [404]).toContain(cancel.status);
      const retry = await api('POST', `/v1/sync-runs/${id}/retry`, { key: firmA.operator });
      expect(has.retry ? [202, 409, 422] : [404]).toContain(retry.status);
    });
  });

  describe('roles and keys', () => {
    it('keeps viewers to reads, operators from admin-only actions, and the platform key to firms', async () => {
      const someId = '0193a8f4-2222-7abc-8def-0123456789ab';
      const writes: [string, string, CallOptions['body']][] = [
        ['POST', '/v1/clients', { name: 'V', pan: 'VVVPV1234V' }],
        ['PATCH', `/v1/clients/${someId}`, { name: 'V' }],
        ['DELETE', `/v1/clients/${someId}`, undefined],
        ['POST', '/v1/sync-runs', { clients: { all: true }, categories: ['gst.all'] }],
        ['POST', `/v1/sync-runs/${someId}/cancel`, undefined],
        ['POST', `/v1/sync-runs/${someId}/retry`, undefined],
        [
          'POST',
          '/v1/sync-schedules',
          { name: 'x', clients: { all: true }, categories: ['gst.all'], every: 'P1D' },
        ],
        ['PATCH', `/v1/sync-schedules/${someId}`, { enabled: false }],
        ['DELETE', `/v1/sync-schedules/${someId}`, undefined],
        ['PUT', `/v1/credentials/gst/${gstinFor('AAACR5055K')}`, { username: 'u' }],
        ['POST', `/v1/credentials/gst/${gstinFor('AAACR5055K')}/otp`, { otp: '575757' }],
        ['PUT', '/v1/credentials/itr', { clientId: 'c', clientSecret: 's', userId: 'u', password: 'p' }],
        ['POST', '/v1/credentials/itr/AAACR5055K/consent', { otp: '575757' }],
        ['PUT', '/v1/credentials/esign', { apiKey: 'esign-key-123' }],
        ['POST', `/v1/firms/${firmA.firmId}/api-keys`, { name: 'v', role: 'viewer' }],
        ['DELETE', `/v1/firms/${firmA.firmId}/api-keys/${someId}`, undefined],
      ];
      for (const [method, path, body] of writes) {
        const res = await api(method, path, { key: firmA.viewer, body });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
        expectProblem(res, 403);
      }
      const csv = await api('POST', '/v1/clients/import', {
        key: firmA.viewer,
        raw: 'name,pan\nV,VVVPV1234V\n',
        contentType: 'text/csv',
      });
      expectProblem(csv, 403);

      // Reads are open to viewers.
      for (const path of ['/v1/clients', '/v1/sync-runs']) {
        expect((await api('GET', path, { key: firmA.viewer })).status).toBe(200);
      }

      // Operators start syncs, manage clients and credentials; deleting clients and keys is for admins.
      const op = await api('POST', '/v1/clients', {
        key: firmA.operator,
        body: { name: 'Op', pan: 'OOOPO1234O' },
      });
      expect(op.status).toBe(201);
      const run = await api('POST', '/v1/sync-runs', {
        key: firmA.operator,
        body: { clients: { ids: [op.body.id] }, categories: ['itr.all'] },
      });
      expect(run.status).toBe(202);
      const cred = await api('PUT', '/v1/credentials/esign', {
        key: firmA.operator,
        body: { apiKey: 'esign-key-123' },
      });
      expect(cred.status).not.toBe(403);
      expectProblem(await api('DELETE', `/v1/clients/${op.body.id as string}`, { key: firmA.operator }), 403);
      expectProblem(await api('GET', `/v1/firms/${firmA.firmId}/api-keys`, { key: firmA.operator }), 403);
      const adminDelete = await api('DELETE', `/v1/clients/${op.body.id as string}`, { key: firmA.admin });
      expect(adminDelete.status).toBe(hasClientRoute.delete ? 204 : 404);

      // The platform key manages firms only; firm keys never create firms.
      expectProblem(await api('GET', '/v1/clients', { key: stack.platformApiKey }), 403);
      expectProblem(await api('POST', '/v1/firms', { key: firmA.admin, body: { name: 'X' } }), 403);
    });

    it('records when a key was last used, and a revoked key stops working at once', async () => {
      const key = await newKey(firmA.firmId, firmA.admin, 'viewer');
      const before = await api('GET', `/v1/firms/${firmA.firmId}/api-keys`, { key: firmA.admin });
      const listed = () =>
        (before.body as unknown as List<{ id: string; lastUsedAt: string | null }>).items.find(
          (k) => k.id === key.id,
        );
      expect(listed()?.lastUsedAt).toBeNull();
      expect((await api('GET', '/v1/clients?limit=1', { key: key.key })).status).toBe(200);
      const after = await api('GET', `/v1/firms/${firmA.firmId}/api-keys`, { key: firmA.admin });
      const used = (after.body as unknown as List<{ id: string; lastUsedAt: string | null }>).items.find(
        (k) => k.id === key.id,
      );
      expect(Date.parse(used?.lastUsedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
      expect(JSON.stringify(after.body)).not.toContain(key.key);

      expect(
        (await api('DELETE', `/v1/firms/${firmA.firmId}/api-keys/${key.id}`, { key: firmA.admin })).status,
      ).toBe(204);
      expectProblem(await api('GET', '/v1/clients?limit=1', { key: key.key }), 401);
      expectProblem(await api('GET', '/v1/clients?limit=1', {}), 401);
      expectProblem(
        await api('GET', '/v1/clients', {
          key: 'psk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        }),
        401,
      );
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the original answer for the same body and refuses another body with 422', async () => {
      const body = { name: 'Idem Traders', pan: 'IIIPI1234I' };
      const headers = { 'idempotency-key': 'create-idem-traders-1' };
      const first = await api('POST', '/v1/clients', { key: firmA.admin, body, headers });
      expect(first.status).toBe(201);
      const replay = await api('POST', '/v1/clients', {
        key: firmA.operator,
        body: { pan: 'IIIPI1234I', name: 'Idem Traders' },
        headers,
      });
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const other = await api('POST', '/v1/clients', {
        key: firmA.admin,
        body: { ...body, name: 'Someone else' },
        headers,
      });
      expect(expectProblem(other, 422).type).toContain('idempotency-key-reused');
      // Keys are per firm: firm B's identical key is its own.
      const b = await api('POST', '/v1/clients', { key: firmB.admin, body, headers });
      expect(b.status).toBe(201);
      expect(b.body.id).not.toBe(first.body.id);

      // A sync run started twice with one key is one run.
      const runsBefore = (await api('GET', '/v1/sync-runs?limit=200', { key: firmA.admin }))
        .body as unknown as List<{
        id: string;
      }>;
      const runBody = { clients: { ids: [first.body.id] }, categories: ['itr.filing_status'] };
      const runHeaders = { 'idempotency-key': 'run-idem-1' };
      const run1 = await api('POST', '/v1/sync-runs', {
        key: firmA.admin,
        body: runBody,
        headers: runHeaders,
      });
      const run2 = await api('POST', '/v1/sync-runs', {
        key: firmA.admin,
        body: runBody,
        headers: runHeaders,
      });
      expect(run1.status).toBe(202);
      expect(run2.status).toBe(202);
      expect(run2.body.id).toBe(run1.body.id);
      const runsAfter = (await api('GET', '/v1/sync-runs?limit=200', { key: firmA.admin }))
        .body as unknown as List<{
        id: string;
      }>;
      expect(runsAfter.items.length).toBe(runsBefore.items.length + 1);

      // A failed request is not remembered: fixing the body and retrying with the key works.
      const bad = await api('POST', '/v1/clients', {
        key: firmA.admin,
        body: { name: 'Fix me', pan: 'bad' },
        headers: { 'idempotency-key': 'fix-me' },
      });
      expectProblem(bad, 400);
      const fixed = await api('POST', '/v1/clients', {
        key: firmA.admin,
        body: { name: 'Fix me', pan: 'FFFPF1234F' },
        headers: { 'idempotency-key': 'fix-me' },
      });
      expect(fixed.status).toBe(201);
      expectProblem(
        await api('POST', '/v1/clients', {
          key: firmA.admin,
          body,
          headers: { 'idempotency-key': 'has space' },
        }),
        400,
      );
    });
  });

  describe('problem details', () => {
    it('answers every kind of 4xx as application/problem+json', async () => {
      const k = firmA.admin;
      const v400 = expectProblem(
        await api('POST', '/v1/clients', {
          key: k,
          body: { name: '', gstins: ['27AAACR5055K1Z4'], colour: 1 },
        }),
        400,
      );
      expect(v400.errors?.map((e) => e.field).sort()).toEqual(['colour', 'gstins[0]', 'name']);
      expectProblem(await api('POST', '/v1/clients', { key: k, raw: '{"name":' }), 400);
      expectProblem(await api('GET', '/v1/sync-runs/not-a-uuid', { key: k }), 400);
      expectProblem(await api('GET', '/v1/sync-runs?limit=0', { key: k }), 400);
      expectProblem(await api('GET', '/v1/clients', {}), 401);
      expectProblem(
        await api('POST', '/v1/clients', { key: firmA.viewer, body: { name: 'x', pan: 'AAACR5055K' } }),
        403,
      );
      expectProblem(await api('GET', '/v1/clients/0193a8f4-9999-7abc-8def-0123456789ab', { key: k }), 404);
      expectProblem(await api('GET', '/v1/no-such-route', { key: k }), 404);
      await api('POST', '/v1/clients', { key: k, body: { name: 'Dup', pan: 'DDDPD1234D' } });
      expectProblem(
        await api('POST', '/v1/clients', { key: k, body: { name: 'Dup 2', pan: 'DDDPD1234D' } }),
        409,
      );
      const big = JSON.stringify({ name: 'x'.repeat(1_100_000), pan: 'AAACR5055K' });
      expectProblem(await api('POST', '/v1/clients', { key: k, raw: big }), 413);
      expectProblem(
        await api('POST', '/v1/clients', {
          key: k,
          raw: 'name=x',
          contentType: 'application/x-www-form-urlencoded',
        }),
        415,
      );
      expectProblem(await api('POST', '/v1/clients/import', { key: k, body: { name: 'x' } }), 415);
      const headers = { 'idempotency-key': 'problem-422' };
      await api('POST', '/v1/clients', { key: k, body: { name: 'P', pan: 'PPPPP1234P' }, headers });
      expectProblem(
        await api('POST', '/v1/clients', { key: k, body: { name: 'Q', pan: 'QQQPQ1234Q' }, headers }),
        422,
      );
    });

    it('answers 429 with Retry-After once a key spends its budget, other keys unaffected', async () => {
      const key = (await newKey(firmB.firmId, firmB.admin, 'viewer')).key;
      const answers: Answer[] = [];
      for (let sent = 0; sent < RATE_LIMIT + 10; sent += 50) {
        const batch = Array.from({ length: Math.min(50, RATE_LIMIT + 10 - sent) }, () =>
          api('GET', '/v1/clients/not-a-uuid', { key }),
        );
        answers.push(...(await Promise.all(batch)));
      }
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(10);
      expect(answers.filter((a) => a.status === 400).length).toBeLessThanOrEqual(RATE_LIMIT);
      const problem = expectProblem(limited[0], 429);
      expect(problem.type).toContain('rate-limited');
      expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await api('GET', '/v1/clients?limit=1', { key: firmB.admin })).status).toBe(200);
    });
  });

  describe('CSV import', () => {
    it('imports 10,000 rows, reporting each bad row and never dropping a good one', async () => {
      const header = 'name,pan,tan,gstins,esignClientFileId,office,tags';
      const lines = [header];
      const bad = new Map<number, string>();
      for (let i = 0; i < 10_000; i++) {
        const line = lines.length + 1;
        const pan = panNumber(i, 'C');
        if (i % 997 === 1) {
          lines.push(`Bad PAN ${i},${pan.slice(0, 3)}X${pan.slice(4)},,,,,`);
          bad.set(line, 'pan');
        } else if (i % 997 === 2) {
          const real = gstinFor(pan);
          const wrong = `${real.slice(0, 14)}${real[14] === '0' ? '1' : '0'}`;
          lines.push(`Bad GSTIN ${i},${pan},,${wrong},,,`);
          bad.set(line, 'gstins[0]');
        } else if (i % 997 === 3) {
          lines.push(`,${pan},,,,,`);
          bad.set(line, 'name');
        } else if (i % 997 === 4) {
          lines.push(`Duplicate ${i},${panNumber(i - 4, 'C')},,,,,`);
          bad.set(line, 'pan');
        } else if (i % 997 === 5) {
          lines.push(`Short row ${i},${pan}`);
          bad.set(line, 'row');
        } else {
          const gstins = i % 3 === 0 ? `${gstinFor(pan)};${gstinFor(pan, '29')}` : '';
          lines.push(`"Client ${i}, Pvt Ltd",${pan},,${gstins},,${i % 2 ? 'Mumbai' : 'Pune'},bulk;t${i % 7}`);
        }
      }
      const csv = `${lines.join('\n')}\n`;
      const started = Date.now();
      const res = await api('POST', '/v1/clients/import', {
        key: firmA.operator,
        raw: csv,
        contentType: 'text/csv',
      });
      const seconds = (Date.now() - started) / 1000;
      if (!hasClientRoute.bulk) {
        expectProblem(res, 404);
        return;
      }
      expect(res.status).toBe(200);
      const result = res.body as unknown as {
        items: { row: number; status: string; id?: string; errors?: { field: string }[] }[];
        totals: Record<string, number>;
      };
      process.stdout.write(
        `10,000-row import answered in ${seconds.toFixed(1)} s: ${JSON.stringify(result.totals)}\n`,
      );
      expect(result.items).toHaveLength(10_000);
      expect(result.totals).toEqual({
        rows: 10_000,
        created: 10_000 - bad.size,
        updated: 0,
        error: bad.size,
      });
      for (const item of result.items) {
        const field = bad.get(item.row);
        if (field) {
          expect({ row: item.row, status: item.status, fields: item.errors?.map((e) => e.field) }).toEqual({
            row: item.row,
            status: 'error',
            fields: [field],
          });
        } else {
          expect(item).toEqual({ row: item.row, status: 'created', id: expect.any(String) });
        }
      }

      // The same rows again match existing clients by PAN: reported per row as updates, not new clients.
      const again = await api('POST', '/v1/clients/import', {
        key: firmA.operator,
        raw: `${header}\nRenamed,${panNumber(0, 'C')},,,,,\nNew one,${panNumber(10_001, 'C')},,,,,\n`,
        contentType: 'text/csv',
      });
      expect((again.body as unknown as typeof result).items).toEqual([
        { row: 2, status: 'updated', id: result.items[0].id },
        { row: 3, status: 'created', id: expect.any(String) },
      ]);
    });

    it('refuses a file with an unknown column or more than 10,000 rows as a whole', async () => {
      const unknown = await api('POST', '/v1/clients/import', {
        key: firmA.admin,
        raw: 'name,pan,colour\nA,AAACR5055K,blue\n',
        contentType: 'text/csv',
      });
      expect(expectProblem(unknown, 400).errors).toEqual([
        { field: 'header[2]', message: expect.stringContaining('"colour" is not a known column') },
      ]);
      const tooMany = await api('POST', '/v1/clients/import', {
        key: firmA.admin,
        raw: `name,pan\n${'x,\n'.repeat(10_001)}`,
        contentType: 'text/csv',
      });
      expect(expectProblem(tooMany, 400).errors?.[0].message).toContain('at most 10000');
    });
  });

  describe('fuzz', () => {
    it('never answers 5xx to random malformed bodies', async () => {
      const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
      const random = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
      let key = '';
      const id = '0193a8f4-2222-7abc-8def-0123456789ab';
      const targets: [string, string][] = [
        ['POST', '/v1/clients'],
        ['PATCH', `/v1/clients/${id}`],
        ['POST', '/v1/sync-runs'],
        ['POST', '/v1/sync-schedules'],
        ['PATCH', `/v1/sync-schedules/${id}`],
        ['PUT', `/v1/credentials/gst/${gstinFor('AAACR5055K')}`],
        ['POST', `/v1/credentials/gst/${gstinFor('AAACR5055K')}/otp`],
        ['PUT', '/v1/credentials/itr'],
        ['POST', '/v1/credentials/itr/AAACR5055K/consent'],
        ['PUT', '/v1/credentials/esign'],
        ['POST', `/v1/firms/${firmA.firmId}/api-keys`],
        ['POST', '/v1/clients/import'],
      ];
      const fields = [
        'name',
        'pan',
        'tan',
        'gstins',
        'clients',
        'categories',
        'period',
        'every',
        'cron',
        'otp',
        'username',
        'apiKey',
        'role',
        'tags',
        'ids',
        'all',
        '__proto__',
        'constructor',
        'enabled',
        'notBefore',
      ];
      const scalar = (): unknown =>
        pick([
          () => null,
          () => true,
          () => random() * 1e308 * (random() < 0.5 ? -1 : 1),
          () => Math.floor(random() * 100),
          () => '',
          () => 'x'.repeat(Math.floor(random() * 400)),
          () => '\u0000\ud83d\ude00\u202e',
          () => 'Traders\u0000',
          () => 'x\ud800',
          () => 'AAACR5055K',
          () => gstinFor('AAACR5055K'),
          () => '27AAACR5055K1Z4',
          () => '0193a8f4-2222-7abc-8def-0123456789ab',
          () => 'gst.all',
          () => '575757',
          () => 'P1D',
          () => '99 99 * * *',
          () => '2025-13-45T99:00:00Z',
        ])();
      const value = (depth: number): unknown => {
        const r = random();
        if (depth > 3 || r < 0.5) return scalar();
        if (r < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
        return Object.fromEntries(
          Array.from({ length: Math.floor(random() * 5) }, () => [pick(fields), value(depth + 1)]),
        );
      };
      const raws = [
        '{',
        '[1,',
        '{"name":}',
        'null',
        '"text"',
        '1e999',
        '{"a":1}{"b":2}',
        '\u0000',
        '{"name":"x",}',
      ];
      const fiveHundreds: string[] = [];
      const iterations = Number(process.env.FUZZ_ITERATIONS ?? 300);
      for (let i = 0; i < iterations; i++) {
        // A fresh key before each key's rate budget runs out, so every case reaches validation.
        if (i % (RATE_LIMIT - 20) === 0) key = (await newKey(firmA.firmId, firmA.admin, 'admin')).key;
        const [method, path] = pick(targets);
        const kind = random();
        const options: CallOptions =
          kind < 0.6
            ? { key, raw: JSON.stringify(value(0)) ?? 'null' }
            : kind < 0.8
              ? { key, raw: pick(raws) }
              : kind < 0.9
                ? { key, raw: pick(raws), contentType: pick(['text/csv', 'text/plain', 'application/xml']) }
                : {
                    key,
                    raw: `name,pan\n${String(scalar())},${String(scalar())}\n"`,
                    contentType: 'text/csv',
                  };
        const res = await api(method, path, options);
        if (res.status >= 500)
          fiveHundreds.push(`${method} ${path} ${options.raw?.slice(0, 200)} -> ${res.status}`);
        else expectProblemOrSuccess(res);
      }
      expect({ seed, fiveHundreds }).toEqual({ seed, fiveHundreds: [] });
    });

    it('answers 422 unstorable-text, never 5xx, for NUL or a lone surrogate in any field, query, path or cell', async () => {
      // Mostly valid requests with one string replaced, so the bad text reaches the layers that store and
      // query (random bodies rarely get past validation, which is how a NUL in a name once reached PostgreSQL).
      const id = '0193a8f4-2222-7abc-8def-0123456789ab';
      const gstin = gstinFor('AAACR5055K');
      const templates: [string, string, Record<string, unknown>][] = [
        [
          'POST',
          '/v1/clients',
          {
            name: 'Fuzz Traders',
            pan: 'AAACF1234Z',
            tan: 'PNEF12345Z',
            gstins: [gstinFor('AAACF1234Z')],
            esignClientFileId: 'CF-1',
            office: 'Pune',
            tags: ['a', 'b'],
          },
        ],
        ['PATCH', `/v1/clients/${id}`, { name: 'Renamed', office: 'Pune', tags: ['a'] }],
        [
          'POST',
          '/v1/sync-runs',
          { clients: { tags: ['a'] }, categories: ['gst.all'], period: { gst: '042025', itr: '2025-26' } },
        ],
        ['POST', '/v1/sync-runs', { clients: { offices: ['Pune'] }, categories: ['all'] }],
        [
          'POST',
          '/v1/sync-schedules',
          {
            name: 'nightly',
            clients: { all: true },
            categories: ['gst.gstr2b'],
            cron: '0 2 * * *',
            timezone: 'Asia/Kolkata',
            notBefore: '2030-01-01T00:00:00Z',
          },
        ],
        ['PATCH', `/v1/sync-schedules/${id}`, { name: 'renamed', every: 'P1D', cron: null }],
        ['PUT', `/v1/credentials/gst/${gstin}`, { username: 'fuzz-user' }],
        ['POST', `/v1/credentials/gst/${gstin}/otp`, { otp: '575757' }],
        ['PUT', '/v1/credentials/itr', { clientId: 'c', clientSecret: 's', userId: 'u', password: 'p' }],
        ['POST', '/v1/credentials/itr/AAACR5055K/consent', { otp: '575757' }],
        ['PUT', '/v1/credentials/esign', { apiKey: 'k' }],
        ['POST', `/v1/firms/${firmA.firmId}/api-keys`, { name: 'fuzz', role: 'viewer' }],
      ];
      const bad = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff'];
      const leaves = (v: unknown, path: (string | number)[] = []): (string | number)[][] =>
        typeof v === 'string'
          ? [path]
          : Array.isArray(v)
            ? v.flatMap((x: unknown, i) => leaves(x, [...path, i]))
            : v && typeof v === 'object'
              ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))
              : [];
      const replaced = (v: unknown, path: (string | number)[], text: string): unknown => {
        if (path.length === 0) return text;
        const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
        copy[path[0]] = replaced(copy[path[0]], path.slice(1), text);
        return copy;
      };
      const cases: [string, string, CallOptions][] = [];
      for (const [method, path, body] of templates) {
        for (const leaf of leaves(body)) {
          for (const text of bad)
            cases.push([method, path, { raw: JSON.stringify(replaced(body, leaf, text)) }]);
        }
        cases.push([method, path, { raw: JSON.stringify({ ...body, ['k\u0000']: 1 }) }]);
      }
      for (const query of ['q', 'tag', 'office', 'cursor'])
        for (const text of ['%00', 'a%00b']) cases.push(['GET', `/v1/clients?${query}=${text}`, {}]);
      cases.push(['GET', '/v1/sync-runs?cursor=%00', {}]);
      cases.push(['GET', `/v1/sync-runs/${id}/jobs?clientId=%00`, {}]);
      cases.push(['GET', '/v1/credentials?status=%00', {}]);
      for (const path of [
        '/v1/clients/%00',
        '/v1/sync-runs/a%00',
        '/v1/sync-schedules/%00',
        '/v1/credentials/gst/%00',
      ])
        cases.push(['GET', path, {}]);
      cases.push(['POST', '/v1/credentials/itr/AAAC%00055K/consent', { body: { otp: '575757' } }]);
      for (const cell of ['Bad\u0000Name', 'AAACR5055K\u0000'])
        cases.push([
          'POST',
          '/v1/clients/import',
          { raw: `name,pan,office,tags\nOk,,Pune,a\n${cell},,Pune,a\n`, contentType: 'text/csv' },
        ]);

      let key = '';
      const wrong: string[] = [];
      for (const [i, [method, path, options]] of cases.entries()) {
        if (i % (RATE_LIMIT - 20) === 0) key = (await newKey(firmA.firmId, firmA.admin, 'admin')).key;
        const res = await api(method, path, { key, ...options });
        const type = (res.body as unknown as Problem).type;
        if (res.status !== 422 || type !== 'https://practice-sync.dev/problems/unstorable-text')
          wrong.push(`${method} ${path} ${(options.raw ?? '').slice(0, 160)} -> ${res.status} ${type}`);
      }
      expect(wrong).toEqual([]);
    });
  });
});

function expectProblemOrSuccess(res: Answer): void {
  if (res.status < 400) return;
  expect(res.contentType).toContain('application/problem+json');
}
