import type { StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';

import type { Answer, CallOptions } from './gateway-http';
import { call } from './gateway-http';
import type { Job, Page, Run } from './sync-run-views';
import { gstinFor } from './sync-run-views';

/**
 * Issue 19, items 8 and 9, through the public API on a real stack in production's credentials mode (the
 * connectors require stored access, the sandbox requires sessions): run logs name their clients and keep the
 * name after a rename; an e-sign run says per taxpayer what it did, counting only signed taxpayers as
 * successes; the firm-wide status grid pages and filters; the credentials view lists identifiers with no
 * access at all; and with the firm's e-filing account stored, a PAN whose consent is the only thing missing
 * fails `consent_required`, naming the step.
 */

interface TaxpayerResult {
  id: string;
  name: string | null;
  outcome: 'succeeded' | 'unsuccessful' | 'no_change';
  reason: string | null;
}
type LogJob = Job & {
  clientName: string | null;
  taxpayers: {
    counts: { succeeded: number; unsuccessful: number; noChange: number };
    items: TaxpayerResult[];
  } | null;
};
interface ClientSummary {
  clientId: string;
  clientName: string | null;
  counts: Record<string, number>;
  taxpayers: { succeeded: number; unsuccessful: number; noChange: number } | null;
  jobs: LogJob[];
}
interface Access {
  portal: string;
  identifier: string;
  status: string;
  errorCode: string | null;
  detail: string | null;
  clientName: string | null;
}
interface GridCell {
  clientId: string;
  clientName: string;
  category: string;
  subject: { kind: string; value: string };
  lastOutcome: string;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastSuccessAt: string | null;
}
interface SandboxRequest {
  taxpayerId: string;
  taxpayerName: string;
  status: string;
}

const PAN_CONSENTED = 'AAAPT1901A';
const PAN_NO_CONSENT = 'BBBPT1902B';
const GSTIN_NO_ACCESS = gstinFor('CCCPT1903C');
const ESIGN_API_KEY = 'trust-logs-e2e-key';

describe('trust: logs a person can read, and access that needs attention', () => {
  let stack: StackHandle;
  let key: string;
  let api: <T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: CallOptions,
  ) => Promise<Answer<T>>;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        PORTAL_RATE_LIMIT_PER_MINUTE: '0',
        SANDBOX_ESIGN_POLL_INTERVAL_MS: '0',
        DISPATCH_POLL_MS: '100',
      },
    });
    key = (await stack.createFirmWithAdmin('Trust Logs & Co')).adminApiKey;
    api = (method, path, options) => call(stack.gatewayUrl, method, path, { key, ...options });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The sandbox's signing requests of a client file (oldest first), as the connector reads them. */
  async function signingRequests(fileId: string): Promise<SandboxRequest[]> {
    const res = await fetch(
      `${stack.sandboxUrl}/esign/api/v1/client-files/${fileId}/signing-requests?pageSize=100`,
      { headers: { 'x-api-key': ESIGN_API_KEY } },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: SandboxRequest[] }).items;
  }

  /** Each taxpayer's newest signing request status. */
  function latestByTaxpayer(requests: SandboxRequest[]): Map<string, string> {
    const latest = new Map<string, string>();
    for (const r of requests) latest.set(r.taxpayerId, r.status);
    return latest;
  }

  /** A client file of the sandbox's world whose taxpayers have signed, declined and expired. */
  async function mixedClientFile(): Promise<{ fileId: string; latest: Map<string, string> }> {
    for (let i = 1; i <= 1000; i++) {
      const fileId = `CF-TRUST-${i}`;
      const latest = latestByTaxpayer(await signingRequests(fileId));
      const statuses = new Set(latest.values());
      if (['signed', 'declined', 'expired'].every((s) => statuses.has(s))) return { fileId, latest };
    }
    throw new Error('no client file with signed, declined and expired taxpayers in the sandbox world');
  }

  async function runToEnd(body: unknown): Promise<Run> {
    const created = await api<Run>('POST', '/v1/sync-runs', { body });
    expect(created.status).toBe(202);
    return waitFor(
      async () => {
        const run = (await api<Run>('GET', `/v1/sync-runs/${created.body.id}`)).body;
        return run.status === 'completed' ? run : null;
      },
      { timeoutMs: 120_000, description: 'the run to complete' },
    );
  }

  async function missingAccess(): Promise<Access[]> {
    const res = await api<Page<Access>>('GET', '/v1/credentials?status=missing&limit=200');
    expect(res.status).toBe(200);
    return res.body.items;
  }

  // One firm's story, step by step (each step builds on the previous one).
  let fileId: string;
  let latest: Map<string, string>;
  let asha: { id: string; name: string };
  let bharat: { id: string; name: string };
  let run: Run;
  let jobs: LogJob[];
  const consentStep = `POST /v1/credentials/itr/${PAN_NO_CONSENT}/consent`;

  it('lists identifiers with no access at all, and names the consent step once the ERI account is stored', async () => {
    ({ fileId, latest } = await mixedClientFile());
    asha = (
      await api<{ id: string; name: string }>('POST', '/v1/clients', {
        body: { name: 'Asha Signatures LLP', pan: PAN_CONSENTED, esignClientFileId: fileId },
      })
    ).body;
    bharat = (
      await api<{ id: string; name: string }>('POST', '/v1/clients', {
        body: { name: 'Bharat Traders', pan: PAN_NO_CONSENT, gstins: [GSTIN_NO_ACCESS] },
      })
    ).body;

    // Nothing stored: every identifier is listed with the step that is missing, and so are the firm accounts.
    const before = await missingAccess();
    expect(before.map((a) => [a.portal, a.identifier, a.errorCode]).sort()).toEqual(
      [
        ['esign', 'account', 'credentials_missing'],
        ['esign', fileId, 'credentials_missing'],
        ['gst', GSTIN_NO_ACCESS, 'credentials_missing'],
        ['itr', 'account', 'credentials_missing'],
        ['itr', PAN_CONSENTED, 'credentials_missing'],
        ['itr', PAN_NO_CONSENT, 'credentials_missing'],
      ].sort(),
    );
    const gstMissing = before.find((a) => a.identifier === GSTIN_NO_ACCESS);
    expect(gstMissing).toMatchObject({ status: 'missing', clientName: 'Bharat Traders' });
    expect(gstMissing?.detail).toContain(`PUT /v1/credentials/gst/${GSTIN_NO_ACCESS}`);

    // The firm's ERI account, one taxpayer's consent, the e-sign account.
    const account = await api('PUT', '/v1/credentials/itr', {
      body: {
        clientId: 'eri-client',
        clientSecret: 'eri-secret',
        userId: 'ERIP001234',
        password: 'eri-pass',
      },
    });
    expect(account.status).toBe(200);
    expect((await api('POST', `/v1/credentials/itr/${PAN_CONSENTED}/consent`, { body: {} })).status).toBe(
      200,
    );
    const consent = await api('POST', `/v1/credentials/itr/${PAN_CONSENTED}/consent`, {
      body: { otp: '575757' },
    });
    expect(consent.body).toMatchObject({ identifier: PAN_CONSENTED, status: 'ok' });
    expect((await api('PUT', '/v1/credentials/esign', { body: { apiKey: ESIGN_API_KEY } })).status).toBe(200);

    const after = await missingAccess();
    expect(after.map((a) => [a.portal, a.identifier, a.errorCode]).sort()).toEqual(
      [
        ['gst', GSTIN_NO_ACCESS, 'credentials_missing'],
        ['itr', PAN_NO_CONSENT, 'consent_required'],
      ].sort(),
    );
    expect(after.find((a) => a.identifier === PAN_NO_CONSENT)?.detail).toContain(consentStep);
  });

  it('names each client on the jobs, and fails a PAN whose consent is the only thing missing with consent_required', async () => {
    run = await runToEnd({
      clients: { all: true },
      categories: ['itr.returns', 'esign.signature_timestamps'],
    });
    jobs = (await api<Page<LogJob>>('GET', `/v1/sync-runs/${run.id}/jobs?limit=100`)).body.items;
    const nameOf = new Map([
      [asha.id, 'Asha Signatures LLP'],
      [bharat.id, 'Bharat Traders'],
    ]);
    for (const j of jobs)
      expect({ job: j.id, clientName: j.clientName }).toEqual({
        job: j.id,
        clientName: nameOf.get(j.clientId),
      });

    // Only the consent is missing for this PAN: consent_required, naming the step, not credentials_missing.
    const noConsent = jobs.find((j) => j.subject.value === PAN_NO_CONSENT);
    expect(noConsent).toMatchObject({ outcome: 'failed', errorCode: 'consent_required' });
    expect(noConsent?.errorMessage).toContain(consentStep);
    const consented = jobs.find((j) => j.subject.value === PAN_CONSENTED);
    expect(['credentials_missing', 'consent_required']).not.toContain(consented?.errorCode);
  });

  it('says per taxpayer what the e-sign sync did, counting only signed taxpayers as successes, in jobs and summary', async () => {
    // Per taxpayer of the client file: signed ones are the only successes; declined and expired are
    // unsuccessful with the reason.
    const esign = jobs.find((j) => j.category === 'esign.signature_timestamps' && j.clientId === asha.id);
    expect(esign?.outcome).toBe('succeeded');
    const taxpayers = esign?.taxpayers;
    expect(taxpayers?.items.map((t) => t.id).sort()).toEqual([...latest.keys()].sort());
    for (const t of taxpayers?.items ?? []) {
      const status = latest.get(t.id) ?? '?';
      expect({ taxpayer: t.id, status, outcome: t.outcome }).toEqual({
        taxpayer: t.id,
        status,
        outcome: status === 'signed' ? 'succeeded' : 'unsuccessful',
      });
      if (status === 'declined') expect(t.reason).toMatch(/declined to sign/);
      if (status === 'expired') expect(t.reason).toMatch(/expired/);
      expect(t.name).toEqual(expect.any(String));
    }
    const signed = [...latest.values()].filter((s) => s === 'signed').length;
    expect(taxpayers?.counts).toEqual({ succeeded: signed, unsuccessful: latest.size - signed, noChange: 0 });

    // The summary names each client and counts its taxpayers; a rename later does not rewrite the log.
    const patched = await api('PATCH', `/v1/clients/${asha.id}`, { body: { name: 'Asha Renamed LLP' } });
    expect(patched.status).toBe(200);
    const summary = (await api<Page<ClientSummary>>('GET', `/v1/sync-runs/${run.id}/summary`)).body.items;
    const ashaSummary = summary.find((s) => s.clientId === asha.id);
    expect(ashaSummary).toMatchObject({
      clientName: 'Asha Signatures LLP',
      taxpayers: { succeeded: signed, unsuccessful: latest.size - signed, noChange: 0 },
    });
    expect(ashaSummary?.jobs.every((j) => j.clientName === 'Asha Signatures LLP')).toBe(true);
    expect(summary.find((s) => s.clientId === bharat.id)).toMatchObject({
      clientName: 'Bharat Traders',
      taxpayers: null,
    });
  });

  it('serves the firm-wide status grid with client names, filtered by category and outcome, paged', async () => {
    // The firm-wide grid: client × category, with names (current ones), filtered and paged.
    const grid = async (query: string) => {
      const res = await api<Page<GridCell>>('GET', `/v1/status${query}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const cells = await waitFor(
      async () => {
        const all = await grid('?limit=200');
        return all.items.length >= 3 ? all.items : null;
      },
      { timeoutMs: 60_000, description: 'three status cells' },
    );
    expect(cells.map((c) => [c.clientName, c.category, c.subject.value]).sort()).toEqual(
      [
        ['Asha Renamed LLP', 'esign.signature_timestamps', fileId],
        ['Asha Renamed LLP', 'itr.returns', PAN_CONSENTED],
        ['Bharat Traders', 'itr.returns', PAN_NO_CONSENT],
      ].sort(),
    );
    const failed = await grid('?outcome=failed');
    expect(failed.items).toEqual([
      expect.objectContaining({
        clientName: 'Bharat Traders',
        category: 'itr.returns',
        lastErrorCode: 'consent_required',
        lastErrorMessage: expect.stringContaining(consentStep),
        lastSuccessAt: null,
      }),
    ]);
    const esignCells = await grid('?category=esign.signature_timestamps');
    expect(esignCells.items.map((c) => [c.clientId, c.lastOutcome])).toEqual([[asha.id, 'succeeded']]);
    const first = await grid('?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await grid(`?limit=2&cursor=${first.nextCursor ?? ''}`);
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].map((c) => `${c.clientId}|${c.category}`).sort()).toEqual(
      cells.map((c) => `${c.clientId}|${c.category}`).sort(),
    );
    const bad = await api<{ errors?: { field: string }[] }>('GET', '/v1/status?category=gst.everything');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toContain('category');
  });
});
