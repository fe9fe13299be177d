import type { AccessRecord, AccessStore } from '@practice-sync/connector-kit';

import { gstError, GSTIN, ok, PERIOD } from '../gstr2b/gstr2b.fixtures';
import { fakePortalGstApi, gstJob } from './gst-api.fixtures';
import type { GstSecret, GstSessionData } from './gst-session.service';

/** A stored, open GST session whose token the test can replace (as another worker's refresh would). */
function storedSession() {
  const state = { token: 'token-1', reads: 0 };
  const get = async (): Promise<AccessRecord<GstSecret, GstSessionData>> => {
    state.reads++;
    return {
      firmId: 'firm-1',
      portal: 'gst',
      identifier: GSTIN,
      secret: { username: 'taxpayer' },
      session: { authToken: state.token, sek: Buffer.alloc(32).toString('base64') },
      status: 'ok',
      detail: null,
      expiresAt: new Date(Date.now() + 3_600_000),
      updatedAt: new Date(),
    };
  };
  const access = { get, getForJob: get } as unknown as AccessStore;
  return { state, access };
}

const read = (action: string) => ({
  category: 'gst.gstr3b_ledgers' as const,
  path: '/taxpayerapi/v6.0/returns/gstr3b',
  query: { action, ret_period: PERIOD },
  what: `GSTR-3B ${action}`,
  retPeriod: PERIOD,
});

describe('GstApi sessions', () => {
  it('looks the session up once per job, not once per call', async () => {
    const { state, access } = storedSession();
    const { api, urls, breaker } = fakePortalGstApi(() => ok({ x: 1 }), access);
    try {
      const signal = new AbortController().signal;
      const first = gstJob('gst.gstr3b_ledgers', GSTIN, PERIOD);
      for (const action of ['RETSUM', 'AUTOLIAB', 'RETSUM']) await api.read(first, read(action), signal);
      expect(state.reads).toBe(1);
      await api.read(gstJob('gst.gstr3b_ledgers', GSTIN, PERIOD), read('RETSUM'), signal);
      expect(state.reads).toBe(2);
      expect(urls).toHaveLength(4);
    } finally {
      breaker.shutdown();
    }
  });

  it('moves a job to the stored token after a read finds its token dead, and keeps it', async () => {
    const { state, access } = storedSession();
    const tokens: (string | null)[] = [];
    const { api, breaker } = fakePortalGstApi((_url, headers) => {
      const token = headers.get('auth-token');
      tokens.push(token);
      if (token !== 'token-1') return ok({ x: 1 });
      state.token = 'token-2'; // another worker refreshed the session meanwhile
      return gstError('AUTH4033', 'Invalid session');
    }, access);
    try {
      const signal = new AbortController().signal;
      const job = gstJob('gst.gstr3b_ledgers', GSTIN, PERIOD);
      await api.read(job, read('RETSUM'), signal);
      await api.read(job, read('AUTOLIAB'), signal);
      expect(tokens).toEqual(['token-1', 'token-2', 'token-2']);
      expect(state.reads).toBe(2);
    } finally {
      breaker.shutdown();
    }
  });
});

describe('GstSessionService refresh with replicas', () => {
  /** A session about to expire; `refreshedElsewhere` makes the store hold another replica's new token. */
  function expiringSession() {
    const state = { token: 'token-1', status: 'ok', puts: [] as unknown[], refreshedElsewhere: false };
    const get = async (): Promise<AccessRecord<GstSecret, GstSessionData>> => ({
      firmId: 'firm-1',
      portal: 'gst',
      identifier: GSTIN,
      secret: { username: 'taxpayer' },
      session: { authToken: state.token, sek: Buffer.alloc(32).toString('base64') },
      status: state.status as 'ok',
      detail: null,
      expiresAt: new Date(Date.now() + 1_000),
      updatedAt: new Date(),
    });
    const access = {
      get,
      getForJob: get,
      put: async (_f: string, _p: string, _i: string, update: { status: string }) => {
        state.puts.push(update);
        state.status = update.status;
      },
    } as unknown as AccessStore;
    return { state, access };
  }

  /** The portal refuses the refresh; meanwhile (or not) another replica stored token-2. */
  function refusingPortal(state: { token: string; refreshedElsewhere: boolean }) {
    return (url: URL) => {
      if (url.pathname.endsWith('/authenticate')) {
        if (state.refreshedElsewhere) state.token = 'token-2';
        return gstError('AUTH4033', 'Invalid session');
      }
      return ok({ x: 1 });
    };
  }

  it('uses the session another replica just refreshed instead of lapsing it', async () => {
    const { state, access } = expiringSession();
    state.refreshedElsewhere = true;
    const { api, urls, breaker } = fakePortalGstApi(refusingPortal(state), access);
    try {
      await api.read(
        gstJob('gst.gstr3b_ledgers', GSTIN, PERIOD),
        read('RETSUM'),
        new AbortController().signal,
      );
      expect(state.puts).toEqual([]);
      expect(urls.map((u) => u.pathname.split('/').pop())).toEqual(['authenticate', 'gstr3b']);
    } finally {
      breaker.shutdown();
    }
  });

  it('lapses the session (otp_required) when the refresh is refused and nobody else refreshed it', async () => {
    const { state, access } = expiringSession();
    const { api, breaker } = fakePortalGstApi(refusingPortal(state), access);
    try {
      const error = await api
        .read(gstJob('gst.gstr3b_ledgers', GSTIN, PERIOD), read('RETSUM'), new AbortController().signal)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'otp_required' });
      expect(state.status).toBe('otp_required');
    } finally {
      breaker.shutdown();
    }
  });
});
