import type { RunningSandbox } from '../../test/sandbox-test-app';
import { startSandbox } from '../../test/sandbox-test-app';

const PAN = 'AAAPL1234C';

interface ItrBody {
  successFlag: boolean;
  errors: { code: string }[];
  data: Record<string, unknown> & { authToken?: string };
}

describe('ITR portal with sessions required (default)', () => {
  let sandbox: RunningSandbox;
  let token = '';
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res =
      method === 'GET'
        ? await sandbox.get(path, { authToken: token })
        : await sandbox.send('POST', path, body ?? {}, { authToken: token });
    return { status: res.status, body: (await res.json()) as ItrBody };
  };
  const login = async () => {
    const res = await call('POST', '/itr/eri/v1/login', {
      clientId: 'c',
      clientSecret: 's',
      userId: 'ERIP001',
      password: 'p',
    });
    token = String(res.body.data.authToken);
  };
  const consent = async (pan: string) => {
    await call('POST', `/itr/eri/v1/clients/${pan}/consent/otp`, { dob: '1980-01-01' });
    return call('POST', `/itr/eri/v1/clients/${pan}/consent`, { otp: '575757' });
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      SANDBOX_START_AT: '2025-11-20T10:00:00Z',
      SANDBOX_ITR_JOB_READY_MS: '200',
    });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    token = '';
    await sandbox.send('POST', '/_sandbox/reset', {});
  });

  it('needs the intermediary session, then the taxpayer consent by OTP', async () => {
    expect(await call('GET', `/itr/portal/v1/filing-status?pan=${PAN}`)).toMatchObject({
      status: 401,
      body: { successFlag: false, errors: [{ code: 'ERI_SESSION_INVALID' }] },
    });
    await login();
    expect((await call('GET', `/itr/portal/v1/filing-status?pan=${PAN}`)).status).toBe(403);
    expect(
      (await call('POST', `/itr/eri/v1/clients/${PAN}/consent`, { otp: '575757' })).body.errors[0].code,
    ).toBe('OTP_NOT_REQUESTED');
    await call('POST', `/itr/eri/v1/clients/${PAN}/consent/otp`, {});
    expect(
      (await call('POST', `/itr/eri/v1/clients/${PAN}/consent`, { otp: '123456' })).body.errors[0].code,
    ).toBe('OTP_INVALID');
    expect((await call('POST', `/itr/eri/v1/clients/${PAN}/consent`, { otp: '575757' })).status).toBe(200);
    expect(await call('GET', `/itr/portal/v1/filing-status?pan=${PAN}`)).toMatchObject({
      status: 200,
      body: { successFlag: true },
    });
  });

  it('keeps one session: a new login ends the old one; inactivity expires it', async () => {
    await login();
    await consent(PAN);
    const old = token;
    await login();
    const fresh = token;
    token = old;
    expect((await call('GET', `/itr/portal/v1/filing-status?pan=${PAN}`)).status).toBe(401);
    token = fresh;
    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 0.9 });
    expect((await call('GET', `/itr/portal/v1/filing-status?pan=${PAN}`)).status).toBe(200);
    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 1.01 });
    expect((await call('GET', `/itr/portal/v1/filing-status?pan=${PAN}`)).body.errors[0].code).toBe(
      'ERI_SESSION_EXPIRED',
    );
  });

  it('pages e-proceedings by at most 50, and lists the demand', async () => {
    await login();
    let pan = '';
    let total = 0;
    for (let i = 0; i < 200 && total === 0; i++) {
      pan = `AAAPL${String(1000 + i)}C`;
      await consent(pan);
      total = Number(
        (await call('GET', `/itr/portal/v1/e-proceedings?pan=${pan}&pageSize=1`)).body.data.totalCount,
      );
    }
    expect(total).toBeGreaterThan(0);
    expect((await call('GET', `/itr/portal/v1/e-proceedings?pan=${pan}&pageSize=51`)).status).toBe(400);
    const ids: string[] = [];
    for (let page: number | null = 1; page !== null; ) {
      const data = (await call('GET', `/itr/portal/v1/e-proceedings?pan=${pan}&page=${page}&pageSize=1`)).body
        .data as {
        proceedings: { proceedingReqId: string; documents: unknown[] }[];
        nextPage: number | null;
      };
      expect(data.proceedings).toHaveLength(1);
      expect(data.proceedings[0].documents.length).toBeGreaterThan(0);
      ids.push(data.proceedings[0].proceedingReqId);
      page = data.nextPage;
    }
    expect(new Set(ids).size).toBe(total);
    expect(Array.isArray((await call('GET', `/itr/portal/v1/outstanding-demand?pan=${pan}`)).body.data)).toBe(
      true,
    );
  });

  it('prepares 26AS/AIS downloads as jobs: queued, then done with the file', async () => {
    await login();
    await consent(PAN);
    const created = await call('POST', '/itr/portal/v1/statements', {
      pan: PAN,
      kind: '26AS',
      financialYear: '2024-25',
    });
    expect(created).toMatchObject({ status: 202, body: { data: { status: 'queued', file: null } } });
    const path = `/itr/portal/v1/statements/${String(created.body.data.jobId)}?pan=${PAN}`;
    expect((await call('GET', path)).body.data.status).toBe('queued');
    await new Promise((r) => setTimeout(r, 250));
    const done = (await call('GET', path)).body.data;
    expect(['done', 'failed']).toContain(done.status);
    if (done.status === 'done') expect(done.file).toMatchObject({ kind: '26AS', financialYear: '2024-25' });
    expect((await call('POST', '/itr/portal/v1/statements', { pan: PAN, kind: 'XYZ' })).status).toBe(400);
  });
});
