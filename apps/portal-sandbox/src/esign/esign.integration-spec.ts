import type { RunningSandbox } from '../../test/sandbox-test-app';
import { startSandbox } from '../../test/sandbox-test-app';

interface Page {
  items: { id: string; status: string; updatedAt: string }[];
}
const KEY = { 'x-api-key': 'firm-key-123' };
const list = (file: string, q = '') => `/esign/api/v1/client-files/${file}/signing-requests${q}`;

describe('e-sign portal with the account key required (default)', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      SANDBOX_START_AT: '2025-11-20T10:00:00Z',
      SANDBOX_ESIGN_POLL_INTERVAL_MS: '400',
    });
  });
  afterAll(() => sandbox.close());

  it('needs an account key and refuses a revoked one', async () => {
    const missing = await sandbox.get(list('file-1'));
    expect(missing.status).toBe(401);
    // The e-sign portal's own problem types, which connector-esign reads.
    expect(await missing.json()).toEqual({
      type: 'https://practice-sync.dev/problems/http-401',
      title: 'Unauthorized',
      status: 401,
      detail: 'X-Api-Key header is required',
      instance: '/esign/api/v1/client-files/file-1/signing-requests',
    });
    expect((await sandbox.get(list('file-1'), { 'x-api-key': 'revoked-1' })).status).toBe(401);
    expect((await sandbox.get(list('file-1'), KEY)).status).toBe(200);
  });

  it('lists changes since a time, throttles polling one request and serves certificates', async () => {
    let signed: { id: string; updatedAt: string } | undefined;
    let file = '';
    for (let i = 0; i < 50 && !signed; i++) {
      file = `file-${i}`;
      const page = (await (await sandbox.get(list(file), KEY)).json()) as Page;
      signed = page.items.find((r) => r.status === 'signed');
    }
    if (!signed) throw new Error('no signed request found');
    const since = (await (
      await sandbox.get(list(file, `?changedSince=${signed.updatedAt}`), KEY)
    ).json()) as Page;
    expect(since.items.every((r) => r.updatedAt > signed.updatedAt)).toBe(true);

    const one = `/esign/api/v1/client-files/${file}/signing-requests/${signed.id}`;
    expect((await sandbox.get(one, KEY)).status).toBe(200);
    const throttled = await sandbox.get(one, KEY);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(throttled.headers.get('content-type')).toContain('application/problem+json');
    expect(await throttled.json()).toMatchObject({
      type: 'https://practice-sync.dev/problems/http-429',
      title: 'Too Many Requests',
      detail: 'Polling this signing request too often; retry after 1 s',
    });
    await new Promise((r) => setTimeout(r, 450));
    expect((await sandbox.get(one, KEY)).status).toBe(200);

    const cert = await sandbox.get(`${one}/certificate`, KEY);
    expect(await cert.json()).toMatchObject({
      requestId: signed.id,
      signedAt: expect.stringMatching(/T.*Z$/),
    });
  });
});
