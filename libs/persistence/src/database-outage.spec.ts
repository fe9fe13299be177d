import { outageRetryDelayMs, retryWhileDatabaseUnavailable } from './database-outage';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('retryWhileDatabaseUnavailable', () => {
  it('tries again while the database is unreachable, waiting ≤ 1 s between tries, and returns the result', async () => {
    const waits: number[] = [];
    let tries = 0;
    const work = () => (++tries <= 6 ? Promise.reject(refused()) : Promise.resolve('done'));
    const onUnavailable = jest.fn();
    const onBack = jest.fn();
    await expect(
      retryWhileDatabaseUnavailable(work, {
        sleep: async (ms) => void waits.push(ms),
        onUnavailable,
        onBack,
      }),
    ).resolves.toBe('done');
    expect(tries).toBe(7);
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(onUnavailable).toHaveBeenCalledTimes(1);
    expect(onBack).toHaveBeenCalledTimes(1);
  });

  it('throws any other error at once (a constraint, a bug): that is the work’s own failure', async () => {
    let tries = 0;
    const work = () => {
      tries++;
      return Promise.reject(Object.assign(new Error('duplicate key'), { code: '23505' }));
    };
    await expect(retryWhileDatabaseUnavailable(work, { sleep: async () => undefined })).rejects.toThrow(
      'duplicate key',
    );
    expect(tries).toBe(1);
  });

  it('gives up with the database error once the signal aborts (the process is stopping)', async () => {
    const controller = new AbortController();
    let tries = 0;
    const work = () => {
      if (++tries === 3) controller.abort();
      return Promise.reject(refused());
    };
    await expect(
      retryWhileDatabaseUnavailable(work, { signal: controller.signal, sleep: async () => undefined }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(tries).toBe(3);
  });

  it('backs off from 100 ms, doubling, to at most 1 s', () => {
    expect([1, 2, 3, 4, 5, 10].map((n) => outageRetryDelayMs(n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
