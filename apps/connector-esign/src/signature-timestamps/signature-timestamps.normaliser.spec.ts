import { normaliseSigningRequests, taxpayersOf } from './signature-timestamps.normaliser';
import { SigningRequestPageSchema } from './signature-timestamps.schema';

const FILE = 'CF-1001';

const page = SigningRequestPageSchema.parse({
  items: [
    {
      id: 'req-1',
      taxpayerId: 'tp-1',
      taxpayerName: 'Asha Rao',
      status: 'signed',
      sentAt: '2025-03-01T10:00:00Z',
      signedAt: '2025-03-02T09:15:42Z',
      signerIp: '203.0.113.7',
      authMethod: 'aadhaar_otp',
      certificateId: 'cert-9',
      updatedAt: '2025-03-02T09:15:42Z',
    },
    {
      id: 'req-2',
      taxpayerId: 'tp-2',
      taxpayerName: 'Vikram Rao',
      status: 'sent',
      sentAt: '2025-03-01T10:00:00Z',
      signedAt: null,
      signerIp: null,
      authMethod: null,
      certificateId: null,
      updatedAt: '2025-03-01T10:00:00Z',
    },
  ],
  page: 1,
  nextPage: null,
});

describe('normaliseSigningRequests', () => {
  it('makes one record per signing request keyed fileId|requestId', () => {
    const records = normaliseSigningRequests(FILE, page.items);
    expect(records.map((r) => r.naturalKey)).toEqual([`${FILE}|req-1`, `${FILE}|req-2`]);
    expect(records[0].data).toMatchObject({
      fileId: FILE,
      requestId: 'req-1',
      status: 'signed',
      signedAt: '2025-03-02T09:15:42Z',
      certificateId: 'cert-9',
    });
    expect(records[1].data).toMatchObject({ status: 'sent', signedAt: null });
  });

  it('changes the hash when a request gets signed', () => {
    const before = normaliseSigningRequests(FILE, page.items)[1];
    const signed = { ...page.items[1], status: 'signed' as const, signedAt: '2025-03-03T08:00:00Z' };
    const after = normaliseSigningRequests(FILE, [signed])[0];
    expect(after.naturalKey).toBe(before.naturalKey);
    expect(after.hash).not.toBe(before.hash);
  });

  it('rejects a status the portal model does not have', () => {
    expect(() =>
      SigningRequestPageSchema.parse({ items: [{ id: 'x', status: 'lost' }], page: 1, nextPage: null }),
    ).toThrow();
  });
});

describe('taxpayersOf', () => {
  const request = (id: string, taxpayerId: string, status: string, updatedAt: string) =>
    SigningRequestPageSchema.parse({
      items: [{ id, taxpayerId, taxpayerName: `Name ${taxpayerId}`, status, updatedAt }],
      page: 1,
      nextPage: null,
    }).items[0];

  it('judges each taxpayer by their latest request: only signed is complete', () => {
    const taxpayers = taxpayersOf(FILE, [
      request('r1', 'tp-1', 'declined', '2025-01-01T00:00:00Z'),
      request('r2', 'tp-1', 'signed', '2025-02-01T00:00:00Z'),
      request('r3', 'tp-2', 'declined', '2025-02-02T00:00:00Z'),
      request('r4', 'tp-3', 'expired', '2025-02-03T00:00:00Z'),
      request('r5', 'tp-4', 'voided', '2025-02-04T00:00:00Z'),
      request('r6', 'tp-5', 'delivered', '2025-02-05T00:00:00Z'),
    ]);
    expect(taxpayers.map((t) => [t.id, t.unsuccessful === null])).toEqual([
      ['tp-1', true],
      ['tp-2', false],
      ['tp-3', false],
      ['tp-4', false],
      ['tp-5', false],
    ]);
    expect(taxpayers[0]).toMatchObject({ name: 'Name tp-1', recordKeys: [`${FILE}|r1`, `${FILE}|r2`] });
    expect(taxpayers[1].unsuccessful).toMatch(/declined to sign on 2025-02-02.*send a new signing request/);
    expect(taxpayers[2].unsuccessful).toMatch(/expired unsigned/);
    expect(taxpayers[3].unsuccessful).toMatch(/voided/);
    expect(taxpayers[4].unsuccessful).toMatch(/not signed yet/);
  });
});
