import { errorCodeOfStatus, firmAccounts, missingAccess } from './missing-access';

const ids = [
  { kind: 'gstin' as const, value: '27AAACR5055K1Z7', clientName: 'Rao Textiles' },
  { kind: 'gstin' as const, value: '29AAACR5055K1Z3', clientName: 'Rao Textiles' },
  { kind: 'pan' as const, value: 'AAACR5055K', clientName: 'Rao Textiles' },
  { kind: 'pan' as const, value: 'BBBPK1234L', clientName: 'Patel Kirana' },
  { kind: 'esignClientFileId' as const, value: 'CF-1', clientName: 'Patel Kirana' },
];

describe('missingAccess', () => {
  it('lists every identifier, and each firm account, when nothing is stored', () => {
    const missing = missingAccess(ids, []);
    expect(missing.map((m) => [m.portal, m.identifier, m.errorCode])).toEqual([
      ['gst', '27AAACR5055K1Z7', 'credentials_missing'],
      ['gst', '29AAACR5055K1Z3', 'credentials_missing'],
      ['itr', 'AAACR5055K', 'credentials_missing'],
      ['itr', 'BBBPK1234L', 'credentials_missing'],
      ['esign', 'CF-1', 'credentials_missing'],
      ['itr', 'account', 'credentials_missing'],
      ['esign', 'account', 'credentials_missing'],
    ]);
    expect(missing.every((m) => m.status === 'missing' && m.updatedAt === null)).toBe(true);
    expect(missing[0]).toMatchObject({ clientName: 'Rao Textiles' });
    expect(missing[0].detail).toContain('PUT /v1/credentials/gst/27AAACR5055K1Z7');
    expect(missing[2].detail).toContain('PUT /v1/credentials/itr');
    expect(missing[4].detail).toContain('PUT /v1/credentials/esign');
  });

  it('says consent_required for a PAN without consent once the ERI account is stored', () => {
    const stored = [
      { portal: 'gst', identifier: '27AAACR5055K1Z7' },
      { portal: 'itr', identifier: 'account' },
      { portal: 'itr', identifier: 'AAACR5055K' },
      { portal: 'esign', identifier: 'account' },
    ];
    const missing = missingAccess(ids, stored);
    expect(missing.map((m) => [m.portal, m.identifier, m.errorCode])).toEqual([
      ['gst', '29AAACR5055K1Z3', 'credentials_missing'],
      ['itr', 'BBBPK1234L', 'consent_required'],
    ]);
    expect(missing[1].detail).toContain('POST /v1/credentials/itr/BBBPK1234L/consent');
  });

  it('maps stored health to the code a job would fail with', () => {
    expect(['ok', 'expiring', 'otp_required', 'failed'].map((s) => errorCodeOfStatus(s as 'ok'))).toEqual([
      null,
      null,
      'otp_required',
      'auth_failed',
    ]);
  });
});

describe('firmAccounts', () => {
  const stored = (portal: string, identifier: string, status: 'ok' | 'failed') => ({
    portal,
    identifier,
    status,
    errorCode: null,
    detail: null,
    clientName: null,
    expiresAt: null,
    updatedAt: '2026-12-06T10:00:00.000Z',
  });

  it('keeps the stored accounts and lists the ones not stored as missing, even when no client needs them', () => {
    const all = [stored('gst', '27AAACR5055K1Z7', 'ok'), stored('itr', 'account', 'failed')];
    const accounts = firmAccounts(all);
    expect(accounts.map((a) => [a.portal, a.identifier, a.status])).toEqual([
      ['itr', 'account', 'failed'],
      ['esign', 'account', 'missing'],
    ]);
    expect(accounts[1].errorCode).toBe('credentials_missing');
  });

  it('lists each account once when missingAccess already listed it', () => {
    const accounts = firmAccounts(missingAccess(ids, []));
    expect(accounts.map((a) => a.portal).sort()).toEqual(['esign', 'itr']);
  });
});
