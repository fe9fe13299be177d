import { toProblem, UpstreamProblem } from '@practice-sync/problems';

import { ServiceHttpClient } from './service-http-client';
import { fetchTransport } from './transport';

function clientAnswering(respond: () => Promise<Response>): ServiceHttpClient {
  return new ServiceHttpClient({
    name: 'sync-orchestrator',
    baseUrl: 'http://sync-orchestrator.internal:3002',
    timeoutMs: 50,
    retries: 1,
    retryDelayMs: 0,
    transport: fetchTransport(() => respond()),
  });
}

describe('ServiceHttpClient.requestText (a proxy relaying JSON as it came)', () => {
  it('hands back a 2xx JSON body unparsed, byte for byte', async () => {
    const text = '{"id":"r1","totals":{"jobs":3},"note":"é ✓"}';
    const client = clientAnswering(
      async () =>
        new Response(text, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }),
    );
    await expect(client.requestText({ method: 'GET', path: '/internal/v1/x' })).resolves.toBe(text);
  });

  it('throws problems, and a 502 for a non-JSON success, as request does', async () => {
    const problem = { type: 'https://errors.practice-sync.dev/not-found', title: 'Not Found', status: 404 };
    const missing = clientAnswering(
      async () =>
        new Response(JSON.stringify(problem), {
          status: 404,
          headers: { 'content-type': 'application/problem+json' },
        }),
    );
    const error = await missing.requestText({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamProblem);
    expect(toProblem(error, '/x').problem).toMatchObject({ status: 404, title: 'Not Found' });

    const html = clientAnswering(
      async () => new Response('<html/>', { status: 200, headers: { 'content-type': 'text/html' } }),
    );
    const bad = await html.requestText({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(toProblem(bad, '/x').problem).toMatchObject({ status: 502 });
  });
});
