import { linkRefreshIntervalMs } from './link-refresh.worker';

describe('linkRefreshIntervalMs', () => {
  it('looks every quarter of the books snapshot age: 7.5 s by default, not every fan-out poll', () => {
    expect(linkRefreshIntervalMs({ FAN_OUT_POLL_MS: 1000, BOOKS_LINK_MAX_AGE_MS: 30_000 })).toBe(7500);
  });

  it('refreshes a snapshot before dispatch would refuse it: half its age plus one look stays under it', () => {
    for (const age of [400, 30_000, 86_400_000]) {
      const interval = linkRefreshIntervalMs({ FAN_OUT_POLL_MS: 50, BOOKS_LINK_MAX_AGE_MS: age });
      expect(age / 2 + interval).toBeLessThan(age);
    }
  });

  it('never looks more often than FAN_OUT_POLL_MS', () => {
    expect(linkRefreshIntervalMs({ FAN_OUT_POLL_MS: 1000, BOOKS_LINK_MAX_AGE_MS: 400 })).toBe(1000);
  });
});
