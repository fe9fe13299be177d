import { candidateGstins } from '../../test/candidate-gstins';
import type { RunningSandbox } from '../../test/sandbox-test-app';
import { PLAIN_NO_SESSIONS, startSandbox } from '../../test/sandbox-test-app';
import { invoiceCount } from '../world/gstr2b.generator';

// The sandbox clock is pinned so which 2B periods exist does not depend on the day the tests run.
const START_AT = '2025-03-10T09:00:00Z';
const SEED = 'practice-sync';

interface B2bEntry {
  ctin: string;
  inv: { inum: string }[];
}
interface GstBody {
  status_cd: string;
  error?: { error_cd: string; message: string };
  data?: { fc?: number; data?: { gstin: string; rtnprd: string; docdata: { b2b: B2bEntry[] } } };
  auth_token?: string;
  expiry?: number;
  sek?: string;
}

function gstinWith(predicate: (count: number) => boolean, period: string): string {
  for (const gstin of candidateGstins()) if (predicate(invoiceCount(SEED, gstin, period))) return gstin;
  throw new Error('no candidate GSTIN matches');
}

describe('GST portal (HTTP)', () => {
  let sandbox: RunningSandbox;
  const auth = (gstin: string, body: Record<string, unknown>) =>
    fetch(`${sandbox.url}/gst/taxpayerapi/v1.0/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', gstin },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as GstBody }));
  const get2b = async (gstin: string, rtnprd: string, fileNum?: number) => {
    const page = fileNum === undefined ? '' : `&file_num=${fileNum}`;
    const res = await sandbox.get(
      `/gst/taxpayerapi/v4.0/returns/gstr2b?action=GET2B&gstin=${gstin}&rtnprd=${rtnprd}${page}`,
      {
        gstin,
        ret_period: rtnprd,
      },
    );
    expect(res.status).toBe(200);
    return (await res.json()) as GstBody;
  };
  const invoicesIn = (body: GstBody): number =>
    (body.data?.data?.docdata.b2b ?? []).reduce((sum, s) => sum + s.inv.length, 0);

  beforeAll(async () => {
    sandbox = await startSandbox({ ...PLAIN_NO_SESSIONS, SANDBOX_START_AT: START_AT });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.send('POST', '/_sandbox/reset', {}));

  it('refuses a wrong OTP and grants a token for 575757', async () => {
    const gstin = '27AAACR5055K1Z7';
    expect((await auth(gstin, { action: 'OTPREQUEST', username: 'demo' })).body).toEqual({ status_cd: '1' });
    const wrong = await auth(gstin, { action: 'AUTHTOKEN', username: 'demo', otp: '111111' });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ status_cd: '0', error: { error_cd: 'AUTH4034' } });
    expect(wrong.body.auth_token).toBeUndefined();

    const ok = await auth(gstin, { action: 'AUTHTOKEN', username: 'demo', otp: '575757' });
    expect(ok.body).toMatchObject({ status_cd: '1', expiry: 360 });
    expect(ok.body.auth_token).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(ok.body.sek ?? '', 'base64')).toHaveLength(32);

    const refreshed = await auth(gstin, { action: 'REFRESHTOKEN', auth_token: ok.body.auth_token });
    expect(refreshed.body.status_cd).toBe('1');
    expect(refreshed.body.auth_token).not.toBe(ok.body.auth_token);
    await auth(gstin, { action: 'LOGOUT', auth_token: refreshed.body.auth_token });
    const afterLogout = await auth(gstin, { action: 'REFRESHTOKEN', auth_token: refreshed.body.auth_token });
    expect(afterLogout.body).toMatchObject({ status_cd: '0', error: { error_cd: 'AUTH4033' } });
  });

  it('expires a session after 360 minutes of sandbox time', async () => {
    const gstin = '27AAACR5055K1Z7';
    const ok = await auth(gstin, { action: 'AUTHTOKEN', username: 'demo', otp: '575757' });
    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 0.26 });
    const refresh = await auth(gstin, { action: 'REFRESHTOKEN', auth_token: ok.body.auth_token });
    expect(refresh.body.error?.error_cd).toBe('AUTH4038');
  });

  it('answers a large 2B with a file count, and every page together holds every invoice', async () => {
    const gstin = gstinWith((n) => n > 1200, '012025');
    const total = invoiceCount(SEED, gstin, '012025');
    const head = await get2b(gstin, '012025');
    expect(head).toEqual({ status_cd: '1', data: { fc: Math.ceil(total / 500) } });
    const fc = head.data?.fc ?? 0;
    expect(fc).toBeGreaterThanOrEqual(3);
    let sum = 0;
    for (let page = 1; page <= fc; page++) {
      const body = await get2b(gstin, '012025', page);
      expect(body.status_cd).toBe('1');
      expect(body.data?.data).toMatchObject({ gstin, rtnprd: '012025' });
      const count = invoicesIn(body);
      expect(count).toBe(page < fc ? 500 : total - 500 * (fc - 1));
      sum += count;
    }
    expect(sum).toBe(total);
    expect((await get2b(gstin, '012025', fc + 1)).status_cd).toBe('0');
  });

  it('answers a small 2B whole, the same with or without file_num=1', async () => {
    const gstin = gstinWith((n) => n >= 5 && n <= 300, '012025');
    const whole = await get2b(gstin, '012025');
    expect(whole.data?.fc).toBeUndefined();
    expect(invoicesIn(whole)).toBe(invoiceCount(SEED, gstin, '012025'));
    expect(await get2b(gstin, '012025', 1)).toEqual(whole);
  });

  it('says RET2B1016 when there are no invoices at all', async () => {
    const gstin = gstinWith((n) => n === 0, '012025');
    const body = await get2b(gstin, '012025');
    expect(body).toEqual({ status_cd: '0', error: { error_cd: 'RET2B1016', message: 'No document found' } });
  });

  it('says RET2B1023 until the 14th of the next month, then generates the 2B', async () => {
    const gstin = gstinWith((n) => n > 0 && n <= 500, '022025');
    for (const period of ['022025', '032025', '122025']) {
      expect((await get2b(gstin, period)).error?.error_cd).toBe('RET2B1023');
    }
    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 4 }); // 14 March
    const generated = await get2b(gstin, '022025');
    expect(generated.status_cd).toBe('1');
    expect(invoicesIn(generated)).toBe(invoiceCount(SEED, gstin, '022025'));
    expect((await get2b(gstin, '032025')).error?.error_cd).toBe('RET2B1023');
  });

  it('rejects a bad GSTIN, period or action with a status_cd 0 error', async () => {
    expect((await get2b('27AAACR5055K1Z8', '012025')).status_cd).toBe('0');
    expect((await get2b('27AAACR5055K1Z7', '132025')).status_cd).toBe('0');
    const res = await sandbox.get(
      '/gst/taxpayerapi/v4.0/returns/gstr2b?action=NOPE&gstin=27AAACR5055K1Z7&rtnprd=012025',
    );
    expect(((await res.json()) as GstBody).error?.error_cd).toBe('SBX4000');
  });

  it('counts every request per portal and per GSTIN', async () => {
    const gstin = '27AAACR5055K1Z7';
    await get2b(gstin, '012025');
    await get2b(gstin, '012025');
    await auth('29AAACR5055K1Z3', { action: 'OTPREQUEST', username: 'demo' });
    const stats = (await (await sandbox.get('/_sandbox/stats')).json()) as {
      portals: Record<string, { requests: number; byIdentifier: Record<string, number> }>;
    };
    expect(stats.portals.gst.requests).toBe(3);
    expect(stats.portals.gst.byIdentifier[gstin]).toBe(2);
    expect(stats.portals.itr).toEqual({ requests: 0, byIdentifier: {} });
  });
});
