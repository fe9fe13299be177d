import type { ConnectorJob, PortalError } from '@practice-sync/connector-kit';
import {
  ConnectorMetrics,
  fetchTransport,
  PortalBreaker,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import { Registry } from 'prom-client';

import { SignatureTimestampsFetcher } from './signature-timestamps.fetcher';

const job: ConnectorJob = {
  jobId: '0190a0b0-0000-7000-8000-000000000001',
  attempt: 1,
  runId: '0190a0b0-0000-7000-8000-000000000002',
  clientId: '0190a0b0-0000-7000-8000-000000000003',
  firmId: 'firm-1',
  category: 'esign.signature_timestamps',
  subject: { kind: 'esignClientFileId', value: 'CF-1001' },
  period: null,
};

async function run(answer: (page: number) => unknown) {
  const breaker = new PortalBreaker('esign', {
    timeoutMs: 1000,
    errorThresholdPercentage: 50,
    resetTimeoutMs: 1000,
    volumeThreshold: 100,
  });
  const pages: number[] = [];
  const http = new PortalHttpClient({
    baseUrl: 'http://sandbox/esign',
    requestTimeoutMs: 1000,
    breaker,
    metrics: new ConnectorMetrics(new Registry(), 'esign'),
    transport: fetchTransport(async (input) => {
      const url = new URL(String(input));
      expect(url.pathname).toBe('/esign/api/v1/client-files/CF-1001/signing-requests');
      const page = Number(url.searchParams.get('page'));
      pages.push(page);
      const body = answer(page);
      return typeof body === 'number'
        ? new Response('', { status: body })
        : new Response(JSON.stringify(body));
    }),
  });
  try {
    return {
      result: await new SignatureTimestampsFetcher(http).fetch(job, new AbortController().signal),
      pages,
    };
  } finally {
    breaker.shutdown();
  }
}

const item = (id: string) => ({ id, status: 'sent', sentAt: '2025-03-01T10:00:00Z' });

describe('SignatureTimestampsFetcher', () => {
  it('follows nextPage until it is null', async () => {
    const { result, pages } = await run((page) => ({
      items: [item(`r${page}`)],
      page,
      nextPage: page < 3 ? page + 1 : null,
    }));
    expect(pages).toEqual([1, 2, 3]);
    expect(result.records.map((r) => r.naturalKey)).toEqual(['CF-1001|r1', 'CF-1001|r2', 'CF-1001|r3']);
  });

  it('fails rather than returning part of the list when a later page fails', async () => {
    const error = (await run((page) => (page === 2 ? 503 : { items: [item('a')], page, nextPage: 2 })).catch(
      (e: unknown) => e,
    )) as PortalError;
    expect(error).toMatchObject({ code: 'portal_unavailable', retryable: true });
  });

  it('fails on a paging loop', async () => {
    const error = (await run((page) => ({ items: [], page, nextPage: 1 })).catch(
      (e: unknown) => e,
    )) as PortalError;
    expect(error.code).toBe('invalid_response');
  });

  it('reads 429 as rate_limited', async () => {
    const error = (await run(() => 429).catch((e: unknown) => e)) as PortalError;
    expect(error.code).toBe('rate_limited');
  });
});
