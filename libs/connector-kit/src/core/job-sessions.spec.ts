import { JobSessions } from './job-sessions';
import type { ConnectorJob } from './portal-fetcher';

const job = (id: string) => ({ jobId: id }) as ConnectorJob;

describe('JobSessions', () => {
  it("opens a job's session at its first call only, and keeps each job's own", async () => {
    const sessions = new JobSessions<string>();
    const opened: string[] = [];
    const call = (j: ConnectorJob, token: string) =>
      sessions.call(j, {
        open: async () => (opened.push(token), token),
        attempt: async (s) => s,
        isDead: () => false,
        renew: async (s) => s,
      });
    const a = job('a');
    expect(await call(a, 'a1')).toBe('a1');
    expect(await call(a, 'a2')).toBe('a1');
    expect(await call(job('b'), 'b1')).toBe('b1');
    expect(opened).toEqual(['a1', 'b1']);
  });

  it('renews a dead session once, makes the call again with it, and keeps it for the next calls', async () => {
    const sessions = new JobSessions<string>();
    const j = job('a');
    const calls: string[] = [];
    const call = () =>
      sessions.call(j, {
        open: async () => 'dead',
        attempt: async (s) => {
          calls.push(s);
          if (s === 'dead') throw new Error('session ended');
          return `read with ${s}`;
        },
        isDead: (error) => error instanceof Error && error.message === 'session ended',
        renew: async () => 'fresh',
      });
    expect(await call()).toBe('read with fresh');
    expect(await call()).toBe('read with fresh');
    expect(calls).toEqual(['dead', 'fresh', 'fresh']);
  });

  it('throws what is not a dead session, and the second failure after a renewal', async () => {
    const sessions = new JobSessions<string>();
    let renewals = 0;
    const failing = (message: string, dead: boolean) =>
      sessions.call(job(message), {
        open: async () => 's',
        attempt: async () => {
          throw new Error(message);
        },
        isDead: () => dead,
        renew: async () => (renewals++, 's2'),
      });
    await expect(failing('refused', false)).rejects.toThrow('refused');
    expect(renewals).toBe(0);
    await expect(failing('ended again', true)).rejects.toThrow('ended again');
    expect(renewals).toBe(1);
  });
});
