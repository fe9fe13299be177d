import type { RunningSandbox } from '../../test/sandbox-test-app';
import { PLAIN_NO_SESSIONS, startSandbox } from '../../test/sandbox-test-app';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

describe('control API (HTTP)', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox(PLAIN_NO_SESSIONS);
  });
  afterAll(() => sandbox.close());

  const badRequests: [string, 'PUT' | 'POST', string, unknown, string][] = [
    ['an unknown portal', 'PUT', '/_sandbox/faults/mca', { outage: true }, 'portal'],
    ['an errorRate above 1', 'PUT', '/_sandbox/faults/gst', { errorRate: 1.5 }, 'errorRate'],
    ['a negative latency', 'PUT', '/_sandbox/faults/gst', { latencyMs: -1 }, 'latencyMs'],
    [
      'a negative rate limit',
      'PUT',
      '/_sandbox/faults/itr',
      { rateLimitPerMinute: -5 },
      'rateLimitPerMinute',
    ],
    ['a wrong type', 'PUT', '/_sandbox/faults/esign', { outage: 'yes' }, 'outage'],
    ['an unknown field', 'PUT', '/_sandbox/faults/gst', { outgae: true }, 'outgae'],
    ['an array body', 'PUT', '/_sandbox/faults/gst', [], 'body'],
    ['negative days', 'POST', '/_sandbox/clock/advance', { days: -1 }, 'days'],
    ['missing days', 'POST', '/_sandbox/clock/advance', {}, 'days'],
    ['days as text', 'POST', '/_sandbox/clock/advance', { days: '3' }, 'days'],
  ];

  it.each(badRequests)('answers 400 problem+json for %s', async (_label, method, path, body, field) => {
    const res = await sandbox.send(method, path, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as ProblemBody;
    expect(problem).toMatchObject({ status: 400, title: 'Invalid request' });
    expect(problem.type).toMatch(/^https:\/\//);
    expect(problem.detail.length).toBeGreaterThan(0);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });

  it('answers 400 problem+json for malformed JSON', async () => {
    const res = await sandbox.send('PUT', '/_sandbox/faults/gst', '{"outage": tru');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as ProblemBody).status).toBe(400);
  });

  it('starts the clock at the real now and moves it only when told', async () => {
    const before = Date.now();
    const reset = (await (await sandbox.send('POST', '/_sandbox/reset', {})).json()) as { now: string };
    expect(Math.abs(Date.parse(reset.now) - before)).toBeLessThan(5000);
    const still = (await (await sandbox.get('/_sandbox/clock')).json()) as { now: string };
    expect(still.now).toBe(reset.now);
    const advanced = await sandbox.send('POST', '/_sandbox/clock/advance', { days: 2.5 });
    expect(advanced.status).toBe(200);
    const body = (await advanced.json()) as { now: string; offsetDays: number };
    expect(body.offsetDays).toBe(2.5);
    expect(Date.parse(body.now) - Date.parse(reset.now)).toBe(2.5 * 24 * 3600 * 1000);
  });
});
