import type { RunningSandbox } from '../../test/sandbox-test-app';
import { PLAIN_NO_SESSIONS, startSandbox } from '../../test/sandbox-test-app';

const GSTIN = '27AAACR5055K1Z7';
const PAN = 'AAAPL1234C';
const gst = (path: string) => `/gst/taxpayerapi/v1.0/${path}&gstin=${GSTIN}`;

/** Reads whose answer must never change once given (past periods, generated returns). */
const SETTLED = [
  gst('returns/gstr2b?action=GET2B&rtnprd=012025'),
  gst('returns/gstr1?action=HSNSUM&ret_period=012025'),
  gst('returns/gstr2a?action=B2B&ret_period=122024'),
  gst('returns/gstr3b?action=RETSUM&ret_period=122024'),
];
/** Reads the clock moves on (new periods, filings, notices, statuses). */
const MOVING = [
  gst('returns/gstr2b?action=GET2B&rtnprd=032025'),
  '/gst/commonapi/v1.0/returns?action=RETTRACK&fy=2024-25&gstin=' + GSTIN,
  `/itr/portal/v1/e-proceedings?pan=${PAN}`,
  `/itr/portal/v1/filing-status?pan=${PAN}`,
  '/esign/api/v1/client-files/file-3/signing-requests',
];

describe('the sandbox clock', () => {
  let sandbox: RunningSandbox;
  const read = (paths: string[]) =>
    Promise.all(paths.map(async (p) => (await sandbox.get(p, { gstin: GSTIN })).json()));

  beforeAll(async () => {
    sandbox = await startSandbox({ ...PLAIN_NO_SESSIONS, SANDBOX_START_AT: '2025-03-10T09:00:00Z' });
  });
  afterAll(() => sandbox.close());

  it('answers identically while still, and moves exactly the moving reads when advanced', async () => {
    const settled = await read(SETTLED);
    const moving = await read(MOVING);
    expect(await read([...SETTLED, ...MOVING])).toEqual([...settled, ...moving]);

    await sandbox.send('POST', '/_sandbox/clock/advance', { days: 400 });
    expect(await read(SETTLED)).toEqual(settled);
    const moved = await read(MOVING);
    moved.forEach((answer, i) =>
      expect({ path: MOVING[i], answer }).not.toEqual({ path: MOVING[i], answer: moving[i] }),
    );
  });
});
