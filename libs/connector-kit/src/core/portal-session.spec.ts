import { Registry } from 'prom-client';

import type { AccessRecord, AccessStatus, AccessStore, AccessUpdate } from '../access/access-store';
import { ConnectorMetrics } from './connector-metrics';
import { PortalError } from './portal-error';
import type { PortalHttpClient } from './portal-http.client';
import { PortalSessionClient } from './portal-session';

/** The access rows in memory: what the client stored is what the test reads back. */
class MemoryAccess {
  readonly rows = new Map<string, AccessUpdate>();

  async get(firmId: string, portal: string, identifier: string): Promise<AccessRecord | null> {
    const row = this.rows.get(`${firmId}|${portal}|${identifier}`);
    return row
      ? ({ firmId, portal, identifier, secret: null, session: null, expiresAt: null, ...row } as AccessRecord)
      : null;
  }

  async put(firmId: string, portal: string, identifier: string, update: AccessUpdate): Promise<AccessStatus> {
    this.rows.set(`${firmId}|${portal}|${identifier}`, update);
    return { status: update.status } as AccessStatus;
  }
}

class Sessions extends PortalSessionClient<{ user: string }, { token: string }> {
  constructor(access: MemoryAccess, metrics: ConnectorMetrics, requireCredentials: boolean) {
    super({} as PortalHttpClient, access as unknown as AccessStore, metrics, {
      portal: 'itr',
      requireCredentials,
    });
  }

  missing = (message: string) => this.accessMissing(message);
  login = <T>(key: string, work: () => Promise<T>) => this.once(key, work);
  needsPerson = (firmId: string, identifier: string) =>
    this.lapse(
      firmId,
      identifier,
      { status: 'otp_required', detail: 'consent gone' },
      new PortalError('otp_required', 'enter a new OTP'),
    );
}

async function sessionEvents(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('connector_session_events_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['event']), v.value]));
}

describe('PortalSessionClient', () => {
  it('answers a missing access with credentials_missing when credentials are required, and counts it', async () => {
    const registry = new Registry();
    const sessions = new Sessions(new MemoryAccess(), new ConnectorMetrics(registry, 'itr'), true);
    expect(() => sessions.missing('store the account first')).toThrow(
      expect.objectContaining({ code: 'credentials_missing', message: 'store the account first' }),
    );
    expect(await sessionEvents(registry)).toEqual({ missing: 1 });
  });

  it('lets a job go without a session when credentials are not required', async () => {
    const registry = new Registry();
    const sessions = new Sessions(new MemoryAccess(), new ConnectorMetrics(registry, 'itr'), false);
    expect(() => sessions.missing('store the account first')).not.toThrow();
    expect(await sessionEvents(registry)).toEqual({});
  });

  it('runs one login per key at a time and a new one once it has finished', async () => {
    const sessions = new Sessions(new MemoryAccess(), new ConnectorMetrics(new Registry(), 'itr'), true);
    let logins = 0;
    let finish!: (token: string) => void;
    const work = () => {
      logins++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = sessions.login('firm-1', work);
    const second = sessions.login('firm-1', work);
    finish('t1');
    expect(await Promise.all([first, second])).toEqual(['t1', 't1']);
    expect(logins).toBe(1);
    const third = sessions.login('firm-1', work);
    finish('t2');
    expect(await third).toBe('t2');
    expect(logins).toBe(2);
  });

  it('stores why an identifier needs a person, counts it as lapsed and throws the given error', async () => {
    const registry = new Registry();
    const access = new MemoryAccess();
    const sessions = new Sessions(access, new ConnectorMetrics(registry, 'itr'), true);
    await expect(sessions.needsPerson('firm-1', 'AAAPA1234A')).rejects.toMatchObject({
      code: 'otp_required',
      message: 'enter a new OTP',
    });
    expect(access.rows.get('firm-1|itr|AAAPA1234A')).toEqual({
      status: 'otp_required',
      detail: 'consent gone',
    });
    expect(await sessionEvents(registry)).toEqual({ lapsed: 1 });
  });
});
