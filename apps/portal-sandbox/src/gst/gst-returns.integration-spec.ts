import { candidateGstins } from '../../test/candidate-gstins';
import type { RunningSandbox } from '../../test/sandbox-test-app';
import { PLAIN_NO_SESSIONS, startSandbox } from '../../test/sandbox-test-app';
import { aesDecryptB64, sha256Hex } from '../gst/gst-crypto';
import { salesCount } from '../world/gst-sections.generator';

const SEED = 'practice-sync';
const GSTIN = '27AAACR5055K1Z7';
const api = (path: string) => `/gst/taxpayerapi/v1.0/${path}`;

interface Body {
  status_cd: string;
  error?: { error_cd: string };
  data?: Record<string, unknown>;
}

describe('GST returns, ledgers, register and notices (plain, no sessions)', () => {
  let sandbox: RunningSandbox;
  const get = async (path: string): Promise<Body> => {
    const res = await sandbox.get(path, { gstin: GSTIN });
    expect(res.status).toBe(200);
    return (await res.json()) as Body;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      ...PLAIN_NO_SESSIONS,
      SANDBOX_START_AT: '2025-03-10T09:00:00Z',
      SANDBOX_QUEUE_READY_MS: '300',
    });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.send('POST', '/_sandbox/reset', {}));

  it('queues a large GSTR-1 B2B (status_cd 2), then FILEDET lists hashed files holding every invoice', async () => {
    const gstin = [...candidateGstins()].find((g) => salesCount(SEED, g, '012025') > 1100) ?? '';
    const total = salesCount(SEED, gstin, '012025');
    const queued = await get(api(`returns/gstr1?action=B2B&gstin=${gstin}&ret_period=012025`));
    expect(queued).toMatchObject({ status_cd: '2', data: { token: expect.any(String), est: 1 } });
    const token = String(queued.data?.token);
    const fileDet = api(`returns?action=FILEDET&gstin=${gstin}&token=${token}`);
    expect((await get(fileDet)).error?.error_cd).toBe('SBX2020');
    await new Promise((r) => setTimeout(r, 350));
    const details = (await get(fileDet)).data as {
      urls: { ul: string; hash: string; ic: number }[];
      ek: string;
      fc: number;
    };
    expect(details.fc).toBe(Math.ceil(total / 500));
    let invoices = 0;
    for (const { ul, hash, ic } of details.urls) {
      const body = await (await fetch(ul)).text();
      expect(sha256Hex(body)).toBe(hash);
      const file = JSON.parse(aesDecryptB64(Buffer.from(details.ek, 'base64'), body).toString()) as {
        b2b: { inv: unknown[] }[];
      };
      const count = file.b2b.reduce((n, e) => n + e.inv.length, 0);
      expect(count).toBe(ic);
      invoices += count;
    }
    expect(invoices).toBe(total);
    expect((await get(api(`returns?action=FILEDET&gstin=${gstin}&token=nope`))).status_cd).toBe('0');
  });

  it('answers GSTR-1 sections inline in GSTR-1 field names, "no data" codes for empty ones', async () => {
    const gstin =
      [...candidateGstins()].find((g) => {
        const n = salesCount(SEED, g, '012025');
        return n > 5 && n < 400;
      }) ?? '';
    const b2b = await sandbox.get(api(`returns/gstr1?action=B2B&gstin=${gstin}&ret_period=012025`));
    const body = (await b2b.json()) as {
      status_cd: string;
      data: { b2b: { ctin: string; inv: { itms: { itm_det: { rt: number } }[] }[] }[] };
    };
    expect(body.status_cd).toBe('1');
    expect(body.data.b2b[0].inv[0].itms[0].itm_det.rt).toEqual(expect.any(Number));
    expect(
      (await get(api(`returns/gstr1?action=EXP&gstin=${gstin}&ret_period=012025`))).error?.error_cd,
    ).toBe('RET11416');
    expect(
      (await get(api(`returns/gstr1?action=B2B&gstin=${gstin}&ret_period=062025`))).error?.error_cd,
    ).toBe('RET11416');
    expect(
      (await get(api(`returns/gstr2a?action=ISD&gstin=${gstin}&ret_period=012025`))).error?.error_cd,
    ).toBe('RET13508');
    expect(
      (await get(api(`returns/gstr1?action=NOPE&gstin=${gstin}&ret_period=012025`))).error?.error_cd,
    ).toBe('SBX4000');
  });

  it('serves GSTR-3B once filed, the register, ledgers and IMS, moving with the clock', async () => {
    const r3b = api(`returns/gstr3b?action=RETSUM&gstin=${GSTIN}&ret_period=022025`);
    expect((await get(r3b)).error?.error_cd).toBe('RET11417');
    const register = api(`../../commonapi/v1.0/returns?action=RETTRACK&gstin=${GSTIN}&fy=2024-25`).replace(
      '/taxpayerapi/v1.0/../../',
      '/',
    );
    const before = (await get(register)).data as { EFiledlist: { ret_prd: string; rtntype: string }[] };
    expect(before.EFiledlist.length).toBeGreaterThan(10);
    // 10 March: the February GSTR-3B (due the 20th) is not filed yet.
    expect(before.EFiledlist.some((e) => e.ret_prd === '022025' && e.rtntype === 'GSTR3B')).toBe(false);
    const cash = api(`ledgers?action=CASH&gstin=${GSTIN}&fr_dt=01-04-2024&to_dt=31-03-2025`);
    const ledgerBefore = await get(cash);
    expect(ledgerBefore.status_cd).toBe('1');

    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 60 });
    expect((await get(r3b)).data).toMatchObject({ gstin: GSTIN, ret_period: '022025' });
    const after = (await get(register)).data as { EFiledlist: { ret_prd: string; rtntype: string }[] };
    expect(
      after.EFiledlist.filter((e) => e.ret_prd === '022025')
        .map((e) => e.rtntype)
        .sort(),
    ).toEqual(['GSTR1', 'GSTR3B']);
    expect(after.EFiledlist.slice(-before.EFiledlist.length)).toEqual(before.EFiledlist);
    expect(await get(cash)).not.toEqual(ledgerBefore);
    expect((await get(api(`ledgers?action=BAL&gstin=${GSTIN}&ret_period=012025`))).data).toHaveProperty(
      'itc_bal',
    );
    const ims = await get(api(`returns/ims?action=GETINV&gstin=${GSTIN}&section=B2BA`));
    expect(ims.error?.error_cd).toBe('RET13509');
  });

  it('lists notices with due dates; new ones appear as the clock advances, old ones stay', async () => {
    const list = api(`notices?action=LIST&gstin=${GSTIN}`);
    const first = await get(list);
    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 730 });
    const later = (await get(list)).data as {
      notices: { arn: string; dueDateOfReply: string; documents: unknown[] }[];
    };
    expect(later.notices.length).toBeGreaterThan(0);
    for (const n of later.notices) {
      expect(n.dueDateOfReply).toMatch(/^\d{2}-\d{2}-\d{4}$/);
      expect(n.documents.length).toBeGreaterThan(0);
    }
    const firstArns = ((first.data?.notices ?? []) as { arn: string }[]).map((n) => n.arn);
    expect(later.notices.map((n) => n.arn)).not.toEqual(firstArns);
    const detail = await get(api(`notices?action=DETAIL&gstin=${GSTIN}&arn=${later.notices[0].arn}`));
    expect(detail.data).toMatchObject({ arn: later.notices[0].arn });
  });
});
