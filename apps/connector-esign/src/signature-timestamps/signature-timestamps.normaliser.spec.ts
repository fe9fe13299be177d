import { normaliseSigningRequests } from './signature-timestamps.normaliser';
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
