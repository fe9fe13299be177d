import { secondsLocked } from './lockout';
import { newToken, normaliseEmail, tokenHash, tokenMatches } from './secrets';

describe('secondsLocked', () => {
  const now = new Date('2026-12-06T10:00:00Z');

  it('is 0 for a user never locked or whose lock has passed', () => {
    expect(secondsLocked({ failedSignIns: 3, lockedUntil: null }, now)).toBe(0);
    expect(secondsLocked({ failedSignIns: 0, lockedUntil: new Date('2026-12-06T09:59:59Z') }, now)).toBe(0);
  });

  it('rounds what is left up to whole seconds (a Retry-After of 0 would invite an instant retry)', () => {
    expect(secondsLocked({ failedSignIns: 0, lockedUntil: new Date('2026-12-06T10:15:00Z') }, now)).toBe(900);
    expect(secondsLocked({ failedSignIns: 0, lockedUntil: new Date('2026-12-06T10:00:00.200Z') }, now)).toBe(
      1,
    );
  });
});

describe('session and invitation tokens', () => {
  it('are long, random, and stored only as a hash that verifies them', () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(token);
    const hash = tokenHash(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatches(token, hash)).toBe(true);
    expect(tokenMatches(`${token.slice(0, -1)}x`, hash)).toBe(false);
    expect(tokenMatches(token, 'not-a-hash')).toBe(false);
  });

  it('keeps one spelling of an email', () => {
    expect(normaliseEmail('  Asha@Sharma-Associates.IN ')).toBe('asha@sharma-associates.in');
  });
});
