import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { DomainException } from '@practice-sync/problems';
import { toProblem } from '@practice-sync/problems';

import { ServiceHttpClient } from './service-http-client';
import { withTraceHeaders } from './trace-context';

/** A real server on a real socket: what the unit spec's fake transport cannot show (keep-alive, streams). */
describe('ServiceHttpClient over undici', () => {
  let server: Server;
  let baseUrl: string;
  const sockets = new Set<unknown>();
  const seenHeaders: IncomingMessage['headers'][] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seenHeaders.push(req.headers);
      if (req.url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } else if (req.url === '/problem') {
        res
          .writeHead(409, { 'content-type': 'application/problem+json' })
          .end(
            '{"type":"https://practice-sync.dev/problems/conflict","title":"Conflict","status":409,"detail":"dup","instance":"/problem"}',
          );
      } else if (req.url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        setTimeout(() => res.end('data: 2\n\n'), 20);
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end('{}'), 500);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
      }
    });
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (timeoutMs = 2000) =>
    new ServiceHttpClient({ name: 'svc', baseUrl, timeoutMs, retryDelayMs: 1 });

  it('reuses one keep-alive connection and carries the trace headers', async () => {
    const c = client();
    const before = sockets.size;
    await withTraceHeaders({ 'x-request-id': 'req-7', traceparent: '00-1-2-01' }, async () => {
      for (let i = 0; i < 20; i++)
        await expect(c.request({ method: 'GET', path: '/json' })).resolves.toEqual({ ok: true });
    });
    // 20 calls in turn over at most two connections (undici may open a spare one), never one per call.
    expect(sockets.size - before).toBeLessThanOrEqual(2);
    expect(seenHeaders.at(-1)).toMatchObject({ 'x-request-id': 'req-7', traceparent: '00-1-2-01' });
  });

  it('throws an upstream problem unchanged and names a non-problem 404', async () => {
    const e = await client()
      .request({ method: 'GET', path: '/problem' })
      .catch((x: unknown) => x);
    expect(toProblem(e, '/problem').problem).toEqual({
      type: 'https://practice-sync.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'dup',
      instance: '/problem',
    });
    const missing = await client()
      .request({ method: 'GET', path: '/nope' })
      .catch((x: unknown) => x);
    expect(toProblem(missing, '/nope').problem).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('streams server-sent events as they come', async () => {
    const res = await client().stream({ method: 'GET', path: '/events' }, new AbortController().signal);
    let text = '';
    for await (const chunk of res.chunks()) text += Buffer.from(chunk).toString('utf8');
    expect(text).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('answers 504 for a slow service and 503 for one that is not there', async () => {
    const slow = await client(100)
      .request({ method: 'GET', path: '/slow' })
      .catch((x: unknown) => x);
    expect((slow as DomainException).getStatus()).toBe(504);
    const gone = new ServiceHttpClient({
      name: 'gone',
      baseUrl: 'http://127.0.0.1:1',
      timeoutMs: 2000,
      retryDelayMs: 1,
    });
    const down = await gone.request({ method: 'GET', path: '/x' }).catch((x: unknown) => x);
    expect((down as DomainException).getStatus()).toBe(503);
  });
});
