import { ProblemException, toProblem, UpstreamProblem } from '@practice-sync/problems';

import { InternalHttpClient } from './internal-http-client';

function clientAnswering(
  respond: (url: string, init?: RequestInit) => Promise<Response>,
): InternalHttpClient {
  return new InternalHttpClient({
    name: 'client-master',
    baseUrl: 'http://client-master.internal:3001',
    timeoutMs: 50,
    fetch: (input, init) => respond(String(input), init),
  });
}

const json = (status: number, body: unknown, type = 'application/json'): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('InternalHttpClient', () => {
  it('builds the URL with the query and sends JSON', async () => {
    const seen: string[] = [];
    const client = clientAnswering(async (url, init) => {
      seen.push(`${init?.method} ${url} ${String(init?.body)}`);
      return json(200, { ok: true });
    });
    await client.request({
      method: 'GET',
      path: '/internal/v1/x',
      query: { limit: 5, cursor: undefined, q: '' },
    });
    await client.request({ method: 'POST', path: '/internal/v1/y', body: { a: 1 } });
    expect(seen).toEqual([
      'GET http://client-master.internal:3001/internal/v1/x?limit=5 undefined',
      'POST http://client-master.internal:3001/internal/v1/y {"a":1}',
    ]);
  });

  it('passes problem answers through with their status', async () => {
    const problem = {
      type: 'https://practice-sync.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'dup',
      instance: '/i',
    };
    const client = clientAnswering(async () => json(409, problem, 'application/problem+json'));
    const e = await failure(client.request({ method: 'POST', path: '/i', body: {} }));
    expect(e).toBeInstanceOf(UpstreamProblem);
    expect(toProblem(e, '/i').problem).toEqual(problem);
    expect((e as UpstreamProblem).getStatus()).toBe(409);
  });

  it('answers 503 when the service is unreachable', async () => {
    const client = clientAnswering(async () => {
      throw new TypeError('fetch failed');
    });
    const e = await failure(client.request({ method: 'GET', path: '/i' }));
    expect(e).toBeInstanceOf(ProblemException);
    expect((e as ProblemException).getStatus()).toBe(503);
    expect((e as ProblemException).detail).toBe('client-master is unavailable; try again shortly.');
  });

  it('answers 504 when the service does not answer in time', async () => {
    const client = clientAnswering(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const e = await failure(client.request({ method: 'GET', path: '/i' }));
    expect((e as ProblemException).getStatus()).toBe(504);
  });

  it('answers 502 for a 5xx that is not a problem', async () => {
    const client = clientAnswering(async () => new Response('<html>oops</html>', { status: 500 }));
    const e = await failure(client.request({ method: 'GET', path: '/i' }));
    expect((e as ProblemException).getStatus()).toBe(502);
  });
});
