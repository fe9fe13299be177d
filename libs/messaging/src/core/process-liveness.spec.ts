import type { DataSource } from 'typeorm';

import { ProcessLiveness } from './process-liveness';

/** A DataSource whose sessions answer while `up`, each new one with the next backend identity. */
function fakeDatabase() {
  const db = { up: true, sessions: 0 };
  const dataSource = {
    createQueryRunner: () => {
      const n = ++db.sessions;
      return {
        connect: async () => {
          if (!db.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        },
        query: async (sql: string) => {
          if (!db.up) throw new Error('Connection terminated unexpectedly');
          return sql.includes('pg_backend_pid') ? [{ id: `pg:${n}:1000${n}` }] : [];
        },
        release: async () => undefined,
      };
    },
  } as unknown as DataSource;
  return { db, dataSource };
}

describe('ProcessLiveness', () => {
  it('keeps naming the process by its first identity while its session is down and after it is re-opened', async () => {
    const { db, dataSource } = fakeDatabase();
    const liveness = new ProcessLiveness(dataSource, { checkIntervalMs: 60_000 });
    const first = await liveness.start();
    expect(liveness.processId).toBe(first);

    db.up = false; // the database restarts: the session drops and cannot be re-opened yet
    await (liveness as unknown as { check(): Promise<void> }).check();
    // The session's identity is gone, the process's is not: a sweep must not take this process for dead.
    expect(liveness.id).toBeNull();
    expect(liveness.processId).toBe(first);

    db.up = true;
    expect(await liveness.ensure()).toBe(first);
    expect(liveness.processId).toBe(first);
    await liveness.stop();
  });
});
