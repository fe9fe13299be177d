import { addDays } from './dates';
import { SIGNING_MAX_LISTED, signingRequests } from './signing-requests.generator';

const SEED = 'practice-sync';
const NOW = new Date('2025-11-20T10:00:00Z');
const files = Array.from({ length: 200 }, (_, i) => `file-${i}`);
const STATUSES = ['created', 'sent', 'delivered', 'signed', 'declined', 'expired', 'voided'];
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('e-sign signing requests', () => {
  it('answers identically for the same file and clock', () => {
    expect(signingRequests(SEED, 'file-1', NOW)).toEqual(signingRequests(SEED, 'file-1', new Date(NOW)));
  });

  it('lists 1 to 20 requests per file with lifecycle fields that agree with the status', () => {
    const sizes: number[] = [];
    for (const file of files) {
      const list = signingRequests(SEED, file, NOW);
      sizes.push(list.length);
      expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
      for (const r of list) {
        expect(STATUSES).toContain(r.status);
        expect(r.updatedAt).toMatch(ISO_SECONDS);
        expect(r.updatedAt <= NOW.toISOString()).toBe(true);
        expect(r.signedAt !== null).toBe(r.status === 'signed');
        expect(r.certificateId !== null).toBe(r.status === 'signed');
        if (r.signedAt) expect(r.signedAt).toMatch(ISO_SECONDS);
        if (r.status === 'signed' || r.status === 'declined')
          expect(r.signerIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        if (r.status === 'delivered' || r.status === 'signed') expect(r.sentAt).not.toBeNull();
      }
    }
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SIGNING_MAX_LISTED);
    expect(new Set(sizes).size).toBeGreaterThan(5);
  });

  it('moves requests along and adds new ones as the clock advances', () => {
    let changedStatus = 0;
    let added = 0;
    for (const file of files.slice(0, 50)) {
      const before = signingRequests(SEED, file, NOW);
      const after = signingRequests(SEED, file, addDays(NOW, 10));
      for (const old of before) {
        const later = after.find((r) => r.id === old.id);
        if (later && later.status !== old.status) changedStatus++;
        if (later) expect(later.updatedAt >= old.updatedAt).toBe(true);
      }
      added += after.filter((r) => !before.some((b) => b.id === r.id)).length;
    }
    expect(changedStatus).toBeGreaterThan(0);
    expect(added).toBeGreaterThan(0);
  });
});
