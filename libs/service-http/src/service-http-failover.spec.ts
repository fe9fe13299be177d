import type { ProblemException } from '@practice-sync/problems';

import { parseBaseUrls, ServiceHttpClient } from './service-http-client';
import { fetchTransport } from './transport';

const A = 'http://cm-a.internal:3001';
const B = 'http://cm-b.internal:3001';

/** What a socket error looks like through `fetch`: a TypeError whose cause carries the system code. */
const socketError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });
const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Two instances; `answer(base)` decides what the instance at `base` does with each call. */
function twoInstances(
  answer: (base: string, init?: RequestInit) => Promise<Response>,
  options: { retries?: number; attemptTimeoutMs?: number; timeoutMs?: number } = {},
) {
  const seen: string[] = [];
  const client = new ServiceHttpClient({
    name: 'client-master',
    baseUrl: `${A}, ${B}`,
    timeoutMs: options.timeoutMs ?? 1000,
    retries: options.retries ?? 2,
    retryDelayMs: 0,
    attemptTimeoutMs: options.attemptTimeoutMs,
    transport: fetchTransport((input, init) => {
      const base = new URL(String(input)).origin;
      seen.push(`${init?.method} ${base}`);
      return answer(base, init);
    }),
  });
  return { client, seen };
}

const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e as ProblemException).getStatus(),
  );

describe('ServiceHttpClient over several instances (no load balancer)', () => {
  it('takes the instances in turn', async () => {
    const { client, seen } = twoInstances(async () => json(200, {}));
    for (let i = 0; i < 4; i++) await client.request({ method: 'GET', path: '/i' });
    expect(seen).toEqual([`GET ${A}`, `GET ${B}`, `GET ${A}`, `GET ${B}`]);
    expect(client.instances).toEqual([A, B]);
  });

  it('fails over from a refused connection, even for a POST (it reached no server), and passes the dead one over', async () => {
    const { client, seen } = twoInstances(async (base) =>
      base === A ? Promise.reject(socketError('ECONNREFUSED')) : json(200, { ok: true }),
    );
    await expect(client.request({ method: 'POST', path: '/i', body: {} })).resolves.toEqual({ ok: true });
    expect(seen).toEqual([`POST ${A}`, `POST ${B}`]);
    // A is passed over for a while: the next calls go straight to B, whoever's turn it is.
    seen.length = 0;
    await client.request({ method: 'GET', path: '/i' });
    await client.request({ method: 'GET', path: '/i' });
    expect(seen).toEqual([`GET ${B}`, `GET ${B}`]);
  });

  it('never re-sends a POST that may have reached the dead instance, unless it carries an Idempotency-Key', async () => {
    const { client, seen } = twoInstances(async (base) =>
      base === A ? Promise.reject(socketError('ECONNRESET')) : json(200, { ok: true }),
    );
    expect(await statusOf(client.request({ method: 'POST', path: '/i', body: {} }))).toBe(503);
    expect(seen).toEqual([`POST ${A}`]);

    seen.length = 0;
    const keyed = twoInstances(async (base) =>
      base === A ? Promise.reject(socketError('ECONNRESET')) : json(200, { ok: true }),
    );
    await expect(
      keyed.client.request({ method: 'POST', path: '/i', body: {}, headers: { 'Idempotency-Key': 'k-1' } }),
    ).resolves.toEqual({ ok: true });
    expect(keyed.seen).toEqual([`POST ${A}`, `POST ${B}`]);
  });

  it('fails over an idempotent call from a reset or a 503, with no retry spent', async () => {
    const { client, seen } = twoInstances(
      async (base) => (base === A ? new Response('draining', { status: 503 }) : json(200, { ok: true })),
      { retries: 0 },
    );
    await expect(client.request({ method: 'GET', path: '/i' })).resolves.toEqual({ ok: true });
    expect(seen).toEqual([`GET ${A}`, `GET ${B}`]);

    const reset = twoInstances(
      async (base) => (base === A ? Promise.reject(socketError('ECONNRESET')) : json(200, { ok: true })),
      { retries: 0 },
    );
    await expect(reset.client.request({ method: 'PUT', path: '/i', body: {} })).resolves.toEqual({
      ok: true,
    });
    expect(reset.seen).toEqual([`PUT ${A}`, `PUT ${B}`]);
  });

  it('answers 503 once every instance and every retry failed', async () => {
    const { client, seen } = twoInstances(async () => Promise.reject(socketError('ECONNREFUSED')), {
      retries: 1,
    });
    expect(await statusOf(client.request({ method: 'GET', path: '/i' }))).toBe(503);
    // Each instance once, then one retry.
    expect(seen).toHaveLength(3);
    // A POST that reached no server tries each instance once, never a retry.
    seen.length = 0;
    expect(await statusOf(client.request({ method: 'POST', path: '/i', body: {} }))).toBe(503);
    expect(seen).toHaveLength(2);
  });

  it('gives up a hung instance after attemptTimeoutMs for an idempotent call only', async () => {
    const hang = (base: string, init?: RequestInit) =>
      base === A
        ? new Promise<Response>((_resolve, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
          )
        : Promise.resolve(json(200, { ok: true }));
    const { client, seen } = twoInstances(hang, { attemptTimeoutMs: 30, timeoutMs: 2000 });
    await expect(client.request({ method: 'GET', path: '/i' })).resolves.toEqual({ ok: true });
    expect(seen).toEqual([`GET ${A}`, `GET ${B}`]);

    // A POST without a key waits for its one instance until the call's own timeout: 504, not re-sent.
    const post = twoInstances(hang, { attemptTimeoutMs: 30, timeoutMs: 150 });
    expect(await statusOf(post.client.request({ method: 'POST', path: '/i', body: {} }))).toBe(504);
    expect(post.seen).toEqual([`POST ${A}`]);
  });

  it('reads one URL, a list or a comma-separated list, and names a bad one', () => {
    expect(parseBaseUrls(A)).toEqual([A]);
    expect(parseBaseUrls(` ${A} ,${B},`)).toEqual([A, B]);
    expect(parseBaseUrls([A, B])).toEqual([A, B]);
    expect(() => parseBaseUrls(' , ', 'client-master')).toThrow('client-master: no base URL');
    expect(() => parseBaseUrls(`${A},cm-b:3001`, 'client-master')).toThrow(/"cm-b:3001".*http\(s\)/);
    expect(() => parseBaseUrls('nonsense', 'client-master')).toThrow('is not a URL');
  });
});
