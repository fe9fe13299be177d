import type { DataSource } from 'typeorm';

import type { WorkerIdentity } from './job-store';
import { JobStore } from './job-store';

describe('JobStore.releaseDead', () => {
  it('re-opens this process’s own liveness session before looking for dead workers', async () => {
    // After a database restart the process's own session may not be re-opened yet: the sweep would then take
    // this process's running jobs for a dead worker's and hand them back to pending while they are being worked.
    const calls: string[] = [];
    const identity: WorkerIdentity = {
      ensure: async () => {
        calls.push('ensure');
        return 'pg:1:2';
      },
    };
    const dataSource = {
      query: async (sql: string) => {
        calls.push(sql.includes("status = 'pending'") ? 'release-dead' : 'other');
        return [[], 0];
      },
    } as unknown as DataSource;

    await new JobStore(dataSource, identity, 60_000).releaseDead();

    expect(calls).toEqual(['ensure', 'release-dead']);
  });
});
