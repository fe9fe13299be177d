import type { AccessStore, ConnectorJob } from '@practice-sync/connector-kit';
import {
  ConnectorMetrics,
  fetchTransport,
  PortalBreaker,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import type { Category } from '@practice-sync/contracts';
import { Registry } from 'prom-client';

import { GstApi } from './gst-api.client';
import { GstSessionService } from './gst-session.service';

/** A GST job of the unit tests' one GSTIN and period. */
export function gstJob(category: Category, gstin: string, period: string): ConnectorJob {
  return {
    jobId: '0190a0b0-0000-7000-8000-000000000001',
    attempt: 1,
    runId: '0190a0b0-0000-7000-8000-000000000002',
    clientId: '0190a0b0-0000-7000-8000-000000000003',
    firmId: 'firm-1',
    category,
    subject: { kind: 'gstin', value: gstin },
    period,
  };
}

/**
 * A GstApi over a fake portal: `answer` gets each request's URL and headers and gives the JSON body (or an HTTP status);
 * every URL asked for is kept in `urls`. By default no stored access and none required: reads go out without a
 * session and unencrypted. Call `breaker.shutdown()` when done.
 */
export function fakePortalGstApi(
  answer: (url: URL, headers: Headers) => unknown,
  access: AccessStore = { get: async () => null, getForJob: async () => null } as unknown as AccessStore,
) {
  const urls: URL[] = [];
  const breaker = new PortalBreaker('gst', {
    timeoutMs: 1000,
    errorThresholdPercentage: 50,
    resetTimeoutMs: 1000,
    volumeThreshold: 100,
  });
  const http = new PortalHttpClient({
    baseUrl: 'http://sandbox/gst',
    requestTimeoutMs: 1000,
    breaker,
    metrics: new ConnectorMetrics(new Registry(), 'gst'),
    transport: fetchTransport(async (input, init) => {
      const url = new URL(String(input));
      urls.push(url);
      const body = answer(url, new Headers(init?.headers));
      return typeof body === 'number'
        ? new Response('', { status: body })
        : new Response(JSON.stringify(body));
    }),
  });
  const sessions = new GstSessionService(http, access, new ConnectorMetrics(new Registry(), 'gst'), {
    authVersion: 'v1.0',
    encryption: false,
    publicKeyPath: '/_sandbox/public-key',
    requireCredentials: false,
    refreshMarginMs: 60_000,
  });
  const api = new GstApi(http, sessions, {
    returnsVersion: 'v1.0',
    asyncWaitMaxMs: 1000,
    asyncPollIntervalMs: 10,
  });
  return { api, urls, breaker };
}
