import { GstTestClient } from '../../test/gst-test-client';
import type { RunningSandbox } from '../../test/sandbox-test-app';
import { startSandbox } from '../../test/sandbox-test-app';

const START_AT = '2025-03-10T09:00:00Z';
const GSTIN = '27AAACR5055K1Z7';
const TWO_B = `/gst/taxpayerapi/v4.0/returns/gstr2b?action=GET2B&gstin=${GSTIN}&rtnprd=012025`;
const DAY_PER_MINUTE = 1 / 1440;

describe('GST sessions and the encryption envelope (defaults: encryption on, sessions required)', () => {
  let sandbox: RunningSandbox;
  let client: GstTestClient;
  const advance = (days: number) => sandbox.send('POST', '/_sandbox/clock/advance', { days });

  beforeAll(async () => {
    sandbox = await startSandbox({
      SANDBOX_START_AT: START_AT,
      SANDBOX_GST_MAX_SESSIONS: '2',
      SANDBOX_GST_LOCKOUT_MINUTES: '90',
    });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    await sandbox.send('POST', '/_sandbox/reset', {});
    client = new GstTestClient(sandbox, GSTIN);
  });

  it('refuses a wrong OTP (AUTH4034) and an OTP not encrypted with the app_key (AUTH4033)', async () => {
    expect(await client.login('111111')).toMatchObject({ status_cd: '0', error: { error_cd: 'AUTH4034' } });
    expect(client.token).toBeUndefined();
    const plainOtp = await client.auth({ action: 'AUTHTOKEN', username: 'demo', otp: '575757' });
    expect(plainOtp.status_cd).toBe('0');
  });

  it('refuses reads without a session (AUTH4033), then seals them with the session keys', async () => {
    expect(await client.get(TWO_B)).toMatchObject({ status_cd: '0', error: { error_cd: 'AUTH4033' } });
    const granted = await client.login();
    expect(granted).toMatchObject({ status_cd: '1', expiry: 360 });
    // The SEK travels encrypted: the base64 in the answer is not the key itself (32 bytes + padding).
    expect(Buffer.from(String(granted.sek), 'base64')).toHaveLength(48);

    const raw = (await (
      await sandbox.get(TWO_B, { gstin: GSTIN, 'auth-token': client.token ?? '' })
    ).json()) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(['data', 'hmac', 'rek', 'status_cd']);
    expect(JSON.stringify(raw)).not.toContain(GSTIN);
    const opened = await client.get(TWO_B);
    expect(opened).toMatchObject({ status_cd: '1', data: { data: { gstin: GSTIN, rtnprd: '012025' } } });
  });

  it('refuses a token of another GSTIN', async () => {
    await client.login();
    const other = await sandbox.get(TWO_B.replace(GSTIN, '29AAACR5055K1Z3'), {
      'auth-token': client.token ?? '',
    });
    expect(((await other.json()) as { error: { error_cd: string } }).error.error_cd).toBe('AUTH4033');
  });

  it('expires a token after 360 minutes (AUTH4038) and refreshes it before, with a new SEK', async () => {
    await client.login();
    const firstSek = client.sek;
    await advance(300 * DAY_PER_MINUTE);
    expect((await client.refresh()).status_cd).toBe('1');
    expect(client.sek?.equals(firstSek ?? Buffer.alloc(0))).toBe(false);
    expect((await client.get(TWO_B)).status_cd).toBe('1');
    await advance(361 * DAY_PER_MINUTE);
    expect(await client.get(TWO_B)).toMatchObject({ error: { error_cd: 'AUTH4038' } });
    expect(await client.refresh()).toMatchObject({ error: { error_cd: 'AUTH4038' } });
  });

  it('refuses refreshing past the access window the taxpayer enabled', async () => {
    const info = (await (await sandbox.get(`/gst/_sandbox/taxpayers/${GSTIN}`)).json()) as {
      accessWindowHours: number;
    };
    await client.login();
    for (let elapsed = 0; elapsed + 5 < info.accessWindowHours; elapsed += 5) {
      await advance(5 / 24);
      expect((await client.refresh()).status_cd).toBe('1');
    }
    await advance(info.accessWindowHours / 24);
    expect((await client.refresh()).error?.error_cd).toMatch(/^AUTH4038$/);
  });

  it('refuses one session too many (AUTH403) and locks the GSTIN for the lock-out time, logout or not', async () => {
    const a = new GstTestClient(sandbox, GSTIN);
    await a.login();
    await client.login();
    const third = new GstTestClient(sandbox, GSTIN);
    const refused = await third.login();
    expect(refused).toMatchObject({ status_cd: '0', error: { error_cd: 'AUTH403' } });
    // The message says until when (sandbox clock: 09:00 + 90 minutes) and for how long.
    expect(refused.error?.message).toContain('locked until 2025-03-10T10:30:00.000Z (90 minutes)');
    // Logging out does not lift the lock, and no OTP can be requested meanwhile.
    await a.auth({ action: 'LOGOUT', auth_token: a.token });
    expect(await third.login()).toMatchObject({ error: { error_cd: 'AUTH403' } });
    expect(await third.auth({ action: 'OTPREQUEST', username: 'demo' })).toMatchObject({
      error: { error_cd: 'AUTH403' },
    });
    // The session still open keeps working: the lock is on new sessions.
    expect((await client.get(TWO_B)).status_cd).toBe('1');
    await advance(89 * DAY_PER_MINUTE);
    expect(await third.login()).toMatchObject({ error: { error_cd: 'AUTH403' } });
    await advance(2 * DAY_PER_MINUTE);
    expect((await third.login()).status_cd).toBe('1');
  });

  it('never locks a GSTIN whose client logs out before opening the next session', async () => {
    for (let i = 0; i < 6; i++) {
      const next = new GstTestClient(sandbox, GSTIN);
      expect((await next.login()).status_cd).toBe('1');
      await next.auth({ action: 'LOGOUT', auth_token: next.token });
    }
  });
});

describe('GST with encryption on but sessions not required', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_START_AT: START_AT, SANDBOX_REQUIRE_SESSIONS: 'false' });
  });
  afterAll(() => sandbox.close());

  it('answers plain without a session and sealed with one', async () => {
    const client = new GstTestClient(sandbox, GSTIN);
    const plain = (await (await sandbox.get(TWO_B)).json()) as Record<string, unknown>;
    expect(plain).toMatchObject({ status_cd: '1', data: { data: { gstin: GSTIN } } });
    await client.login();
    const raw = (await (
      await sandbox.get(TWO_B, { 'auth-token': client.token ?? '', gstin: GSTIN })
    ).json()) as Record<string, unknown>;
    expect(raw.rek).toEqual(expect.any(String));
    expect(await client.get(TWO_B)).toEqual({ status_cd: '1', data: plain.data });
  });
});
