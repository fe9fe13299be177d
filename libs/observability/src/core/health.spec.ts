import { HealthRegistry } from './health';

describe('HealthRegistry', () => {
  it('is ready only when every check passes, and names the failing one', async () => {
    const h = new HealthRegistry();
    h.register({ name: 'database', check: async () => undefined });
    expect((await h.readiness()).status).toBe('ok');
    h.register({ name: 'kafka', check: async () => Promise.reject(new Error('connection refused')) });
    const report = await h.readiness();
    expect(report.status).toBe('error');
    expect(report.checks.kafka).toEqual({ status: 'error', error: 'connection refused' });
    expect(report.checks.database.status).toBe('ok');
  });

  it('times out a check that hangs', async () => {
    const h = new HealthRegistry();
    h.register({ name: 'slow', check: () => new Promise(() => undefined) });
    const report = await h.readiness(20);
    expect(report.checks.slow.error).toContain('did not answer');
  });
});
