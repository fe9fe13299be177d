import type { RunningSandbox } from '../../test/sandbox-test-app';
import { PLAIN_NO_SESSIONS, startSandbox } from '../../test/sandbox-test-app';

const GST_2B = '/gst/taxpayerapi/v4.0/returns/gstr2b?action=GET2B&gstin=27AAACR5055K1Z7&rtnprd=012025';
const ITR = '/itr/portal/v1/filing-status?pan=AAAPL1234C';
const ESIGN = '/esign/api/v1/client-files/file-1/signing-requests';

interface Stats {
  portals: Record<string, { requests: number; byIdentifier: Record<string, number> }>;
}

describe('portal faults (HTTP)', () => {
  let sandbox: RunningSandbox;
  const faults = async (portal: string, body: unknown) => {
    const res = await sandbox.send('PUT', `/_sandbox/faults/${portal}`, body);
    expect(res.status).toBe(200);
    return res.json();
  };
  const stats = async () => (await (await sandbox.get('/_sandbox/stats')).json()) as Stats;

  beforeAll(async () => {
    sandbox = await startSandbox({ ...PLAIN_NO_SESSIONS, SANDBOX_START_AT: '2025-03-10T09:00:00Z' });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.send('POST', '/_sandbox/reset', {}));

  it('fails every request during an outage, still counting them, until it is lifted', async () => {
    expect(await faults('itr', { outage: true })).toMatchObject({ outage: true, errorRate: 0 });
    await expect(sandbox.get(ITR)).rejects.toThrow();
    await expect(sandbox.get(ITR)).rejects.toThrow();
    expect((await sandbox.get(GST_2B)).status).toBe(200); // other portals unaffected
    expect((await stats()).portals.itr).toEqual({ requests: 2, byIdentifier: { AAAPL1234C: 2 } });

    await faults('itr', { outage: false });
    const res = await sandbox.get(ITR);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { successFlag: boolean }).successFlag).toBe(true);
    expect((await stats()).portals.itr.requests).toBe(3);
  });

  it('hangs requests during a "hang" outage and resets them when it is lifted', async () => {
    await faults('gst', { outage: 'hang' });
    let settled = false;
    const pending = sandbox.get(GST_2B).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await faults('gst', { outage: false });
    await expect(pending).rejects.toThrow();
    expect((await sandbox.get(GST_2B)).status).toBe(200);
  });

  it('answers 429 with Retry-After beyond the rate limit, in each portal dialect', async () => {
    await faults('gst', { rateLimitPerMinute: 2 });
    expect((await sandbox.get(GST_2B)).status).toBe(200);
    expect((await sandbox.get(GST_2B)).status).toBe(200);
    const limited = await sandbox.get(GST_2B);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ status_cd: '0' });
    expect((await stats()).portals.gst.requests).toBe(3);

    await faults('esign', { rateLimitPerMinute: 1 });
    expect((await sandbox.get(ESIGN)).status).toBe(200);
    const esign = await sandbox.get(ESIGN);
    expect(esign.status).toBe(429);
    expect(esign.headers.get('retry-after')).toMatch(/^\d+$/);

    await faults('gst', { rateLimitPerMinute: null });
    expect((await sandbox.get(GST_2B)).status).toBe(200);
  });

  it('fails every request at errorRate 1: RET12501 for GST, HTTP 500 for ITR and e-sign', async () => {
    for (const portal of ['gst', 'itr', 'esign']) await faults(portal, { errorRate: 1 });
    for (let i = 0; i < 3; i++) {
      const gst = await sandbox.get(GST_2B);
      expect(gst.status).toBe(200);
      expect(await gst.json()).toEqual({
        status_cd: '0',
        error: { error_cd: 'RET12501', message: 'System Failure' },
      });
    }
    const itr = await sandbox.get(ITR);
    expect(itr.status).toBe(500);
    expect(await itr.json()).toMatchObject({ successFlag: false, httpStatus: 'INTERNAL_SERVER_ERROR' });
    expect((await sandbox.get(ESIGN)).status).toBe(500);

    await faults('gst', { errorRate: 0 });
    expect(((await (await sandbox.get(GST_2B)).json()) as { status_cd: string }).status_cd).toBe('1');
  });

  it('delays answers by latencyMs', async () => {
    await faults('esign', { latencyMs: 300 });
    const started = Date.now();
    expect((await sandbox.get(ESIGN)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('latencyTail false makes every answer take exactly latencyMs; a non-boolean is refused', async () => {
    await faults('gst', { latencyMs: 150, latencyTail: false });
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      await sandbox.get(GST_2B);
      times.push(Date.now() - started);
    }
    // With the GST tail (mean 0.6 × floor) six answers under 1.2 × floor would be very unlikely.
    expect(Math.min(...times)).toBeGreaterThanOrEqual(145);
    expect(Math.max(...times)).toBeLessThan(180 + 100);
    const bad = await sandbox.send('PUT', '/_sandbox/faults/gst', { latencyTail: 'no' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0].field).toBe('latencyTail');
  });

  it('merges fault settings and clears them on reset', async () => {
    await faults('gst', { latencyMs: 5 });
    expect(await faults('gst', { errorRate: 0.5 })).toEqual({
      latencyMs: 5,
      latencyTail: true,
      errorRate: 0.5,
      outage: false,
      rateLimitPerMinute: null,
    });
    await sandbox.send('POST', '/_sandbox/reset', {});
    const all = (await (await sandbox.get('/_sandbox/faults')).json()) as Record<string, unknown>;
    expect(all.gst).toEqual({
      latencyMs: 0,
      latencyTail: true,
      errorRate: 0,
      outage: false,
      rateLimitPerMinute: null,
    });
  });

  it('counts outcomes in sandbox_requests_total', async () => {
    await faults('itr', { errorRate: 1 });
    await sandbox.get(ITR);
    await sandbox.get(GST_2B);
    const text = await (await sandbox.get('/metrics')).text();
    expect(text).toMatch(
      /sandbox_requests_total\{[^}]*portal="itr"[^}]*outcome="injected_error"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/sandbox_requests_total\{[^}]*portal="gst"[^}]*outcome="ok"[^}]*\} [1-9]/);
  });
});
