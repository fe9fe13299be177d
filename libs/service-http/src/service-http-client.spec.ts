import { ProblemException, toProblem, UpstreamProblem } from '@practice-sync/problems';

import { ServiceHttpClient } from './service-http-client';
import { withTraceHeaders } from './trace-context';
import { fetchTransport } from './transport';

/** A client whose transport is a function answering `Response` objects: no server, no socket. */
function clientAnswering(
  respond: (url: string, init?: RequestInit) => Promise<Response>,
  retries = 2,
): ServiceHttpClient {
  return new ServiceHttpClient({
    name: 'client-master',
    baseUrl: 'http://client-master.internal:3001',
    timeoutMs: 50,
    retries,
    retryDelayMs: 0,
    transport: fetchTransport((input, init) => respond(String(input), init)),
  });
}

const refused = (): Promise<Response> => Promise.reject(new TypeError('fetch failed'));

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

describe('ServiceHttpClient', () => {
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

  it('retries an idempotent call after a connection failure or a 503, a bounded number of times', async () => {
    let calls = 0;
    const flaky = clientAnswering(async () => {
      calls++;
      if (calls === 1) return refused();
      if (calls === 2) return new Response('busy', { status: 503 });
      return json(200, { ok: true });
    });
    await expect(flaky.request({ method: 'GET', path: '/i' })).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);

    calls = 0;
    const down = clientAnswering(async () => {
      calls++;
      return refused();
    });
    const e = await failure(down.request({ method: 'GET', path: '/i' }));
    expect((e as ProblemException).getStatus()).toBe(503);
    expect(calls).toBe(3);
  });

  it('sends a POST once unless it is marked idempotent (a read)', async () => {
    let calls = 0;
    const client = clientAnswering(async () => {
      calls++;
      return refused();
    });
    await failure(client.request({ method: 'POST', path: '/i', body: {} }));
    expect(calls).toBe(1);
    calls = 0;
    await failure(client.request({ method: 'POST', path: '/i', body: {}, idempotent: true }));
    expect(calls).toBe(3);
  });

  it('passes a final 503 problem through unchanged', async () => {
    const problem = {
      type: 'https://practice-sync.dev/problems/upstream-unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'client-master could not check the selection; try again',
      instance: '/internal/v1/x',
    };
    const client = clientAnswering(async () => json(503, problem, 'application/problem+json'), 1);
    const e = await failure(client.request({ method: 'GET', path: '/i' }));
    expect(toProblem(e, '/internal/v1/x').problem).toEqual(problem);
  });

  it('carries the trace headers of the request being handled', async () => {
    const seen: Headers[] = [];
    const client = clientAnswering(async (_url, init) => {
      seen.push(new Headers(init?.headers));
      return json(200, {});
    });
    await withTraceHeaders({ 'x-request-id': 'r-1', traceparent: '00-abc-def-01' }, () =>
      client.request({ method: 'GET', path: '/i' }),
    );
    await client.request({ method: 'GET', path: '/i' });
    expect(seen[0]?.get('x-request-id')).toBe('r-1');
    expect(seen[0]?.get('traceparent')).toBe('00-abc-def-01');
    expect(seen[1]?.get('x-request-id')).toBeNull();
  });

  it("sends the caller's extra headers", async () => {
    const seen: Headers[] = [];
    const client = clientAnswering(async (_url, init) => {
      seen.push(new Headers(init?.headers));
      return json(200, {});
    });
    await client.request({ method: 'POST', path: '/i', body: {}, headers: { 'idempotency-key': 'k-1' } });
    await client.request({ method: 'POST', path: '/i', body: {} });
    expect(seen[0]?.get('idempotency-key')).toBe('k-1');
    expect(seen[1]?.get('idempotency-key')).toBeNull();
  });

  it('streams a body chunk by chunk once the headers are in', async () => {
    const client = clientAnswering(
      async () =>
        new Response('data: 1\n\ndata: 2\n\n', {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
        }),
    );
    const res = await client.stream({ method: 'GET', path: '/events' }, new AbortController().signal);
    let text = '';
    for await (const chunk of res.chunks()) text += Buffer.from(chunk).toString('utf8');
    expect(text).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('throws the problem of a stream that cannot open', async () => {
    const client = clientAnswering(async () =>
      json(
        404,
        {
          type: 'https://practice-sync.dev/problems/not-found',
          title: 'Not Found',
          status: 404,
          detail: 'no run',
          instance: '/x',
        },
        'application/problem+json',
      ),
    );
    const e = await failure(client.stream({ method: 'GET', path: '/x' }, new AbortController().signal));
    expect((e as UpstreamProblem).getStatus()).toBe(404);
  });
});
