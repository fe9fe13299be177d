import type { RunningSandbox } from '../../test/sandbox-test-app';
import { PLAIN_NO_SESSIONS, startSandbox } from '../../test/sandbox-test-app';

const PAN = 'AAAPL1234C';
const GST_NEXT = (gstin: string, period: string) =>
  `/gst/taxpayerapi/v4.0/returns/gstr2b?action=GET2B&gstin=${gstin}&rtnprd=${period}`;

interface SigningPage {
  items: { id: string; status: string; updatedAt: string }[];
  page: number;
  nextPage: number | null;
}

describe('ITR and e-sign portals, and the sandbox clock (HTTP)', () => {
  let sandbox: RunningSandbox;
  const json = async <T>(path: string): Promise<T> => (await (await sandbox.get(path)).json()) as T;
  const signing = (file: string, query = '') =>
    json<SigningPage>(`/esign/api/v1/client-files/${file}/signing-requests${query}`);

  beforeAll(async () => {
    sandbox = await startSandbox({ ...PLAIN_NO_SESSIONS, SANDBOX_START_AT: '2025-11-20T10:00:00Z' });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.send('POST', '/_sandbox/reset', {}));

  it('lists filed returns for a valid PAN and refuses an invalid one', async () => {
    const ok = await json<{ successFlag: boolean; httpStatus: string; data: { assmentYear: string }[] }>(
      `/itr/portal/v1/filing-status?pan=${PAN}`,
    );
    expect(ok).toMatchObject({ successFlag: true, httpStatus: 'OK', messages: [], errors: [] });
    expect(ok.data.length).toBeGreaterThan(0);
    expect(ok.data.length).toBeLessThanOrEqual(4);
    for (const r of ok.data) expect(r.assmentYear).toMatch(/^20\d{2}$/);

    const bad = await sandbox.get('/itr/portal/v1/filing-status?pan=AAAXL1234C');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ successFlag: false, errors: [{ code: 'EFL400' }] });
  });

  it('pages signing requests: the pages together equal the whole list', async () => {
    let file = '';
    let whole: SigningPage = { items: [], page: 1, nextPage: null };
    for (let i = 0; i < 50 && whole.items.length < 5; i++) {
      file = `file-${i}`;
      whole = await signing(file);
    }
    expect(whole.items.length).toBeGreaterThanOrEqual(5);
    expect(whole.nextPage).toBeNull();
    const collected: string[] = [];
    let page: number | null = 1;
    while (page !== null) {
      const current: SigningPage = await signing(file, `?page=${page}&pageSize=2`);
      expect(current.page).toBe(page);
      expect(current.items.length).toBeLessThanOrEqual(2);
      collected.push(...current.items.map((r) => r.id));
      page = current.nextPage;
    }
    expect(collected).toEqual(whole.items.map((r) => r.id));
  });

  it('refuses a bad page size or client file id with a 400 problem', async () => {
    const res = await sandbox.get('/esign/api/v1/client-files/file-1/signing-requests?pageSize=0');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, errors: [{ field: 'pageSize' }] });
    const badId = await sandbox.get(`/esign/api/v1/client-files/${'x'.repeat(65)}/signing-requests`);
    expect(badId.status).toBe(400);
  });

  it('answers identically while the clock is still', async () => {
    const paths = [
      `/itr/portal/v1/filing-status?pan=${PAN}`,
      '/esign/api/v1/client-files/file-7/signing-requests',
      GST_NEXT('27AAACR5055K1Z7', '092025'),
    ];
    const first = await Promise.all(paths.map((p) => json<unknown>(p)));
    const second = await Promise.all(paths.map((p) => json<unknown>(p)));
    expect(second).toEqual(first);
  });

  it('moves the world forward when the clock advances', async () => {
    // 20 Nov 2025: the November 2B is not generated yet, e-sign lists cover the past year.
    expect(await json(GST_NEXT('27AAACR5055K1Z7', '112025'))).toMatchObject({
      error: { error_cd: 'RET2B1023' },
    });
    const files = ['file-1', 'file-2', 'file-3', 'file-4', 'file-5'];
    const before = await Promise.all(files.map((f) => signing(f)));
    const itrBefore = await json<{ data: unknown[] }>(`/itr/portal/v1/filing-status?pan=${PAN}`);

    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 400 });

    expect(await json(GST_NEXT('27AAACR5055K1Z7', '112025'))).not.toMatchObject({ status_cd: '0' });
    const after = await Promise.all(files.map((f) => signing(f)));
    expect(after).not.toEqual(before);
    const newIds = after
      .flatMap((p) => p.items.map((r) => r.id))
      .filter((id) => !before.some((b) => b.items.some((r) => r.id === id)));
    expect(newIds.length).toBeGreaterThan(0);
    const itrAfter = await json<{ data: unknown[] }>(`/itr/portal/v1/filing-status?pan=${PAN}`);
    expect(itrAfter.data).not.toEqual(itrBefore.data);
  });
});
