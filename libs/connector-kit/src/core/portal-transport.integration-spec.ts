import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { errorForFetchFailure } from './http-error-mapping';
import { undiciTransport } from './portal-transport';
import { upstreamOf } from './upstream';

/** A local portal: /slow never answers in time, /moved redirects, everything else echoes the request. */
function portal(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
    // A books server that drops the connection mid-request (Tally closed, the branch offline).
    if (req.url === '/drop') return void req.socket.destroy();
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/echo?moved=1' });
      return void res.end();
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      res.writeHead(req.url?.startsWith('/busy') ? 429 : 200, {
        'content-type': 'application/json',
        'Retry-After': '7',
      });
      res.end(JSON.stringify({ method: req.method, url: req.url, gstin: req.headers['gstin'], body }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('undiciTransport', () => {
  let server: Server;
  let base: string;
  const send = undiciTransport();
  const signal = () => new AbortController().signal;

  beforeAll(async () => ({ server, url: base } = await portal()));
  afterAll(() => new Promise((r) => server.close(r)));

  it('sends method, headers and body and returns status, headers and the whole body', async () => {
    const res = await send({
      url: `${base}/echo?a=1`,
      method: 'POST',
      headers: { gstin: '27AAACR5055K1Z7', 'content-type': 'application/json' },
      body: '{"x":1}',
      signal: signal(),
    });
    expect(res.status).toBe(200);
    expect(res.header('Retry-After')).toBe('7');
    expect(res.header('x-missing')).toBeNull();
    expect(JSON.parse(res.text)).toEqual({
      method: 'POST',
      url: '/echo?a=1',
      gstin: '27AAACR5055K1Z7',
      body: '{"x":1}',
    });
  });

  it('returns a refusal status as it is, for the client to map', async () => {
    const res = await send({ url: `${base}/busy`, method: 'GET', headers: {}, signal: signal() });
    expect(res.status).toBe(429);
  });

  it('follows a redirect like fetch does', async () => {
    const res = await send({ url: `${base}/moved`, method: 'GET', headers: {}, signal: signal() });
    expect(JSON.parse(res.text).url).toBe('/echo?moved=1');
  });

  it('rejects with the signal reason on a timeout, which maps to `timeout`', async () => {
    const error = await send({
      url: `${base}/slow`,
      method: 'GET',
      headers: {},
      signal: AbortSignal.timeout(100),
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(errorForFetchFailure(error, 'GSTR-1', 100).code).toBe('timeout');
  });

  it('maps a refused connection to portal_unavailable: the words in the message, the code in its details', async () => {
    const closed = await portal();
    await new Promise((r) => closed.server.close(r));
    const url = `${closed.url}/x`;
    const error = await send({ url, method: 'GET', headers: {}, signal: signal() }).catch((e: unknown) => e);
    const mapped = errorForFetchFailure(error, 'reading the company', 1000, {
      upstream: upstreamOf('books'),
      url,
    });
    expect(mapped.code).toBe('portal_unavailable');
    expect(mapped.message).toBe(
      `The books server at ${new URL(url).host} did not answer reading the company (connection refused). ` +
        'Check that Tally is running there and reachable from practice-sync, then retry.',
    );
    expect(mapped.details).toMatchObject({
      failure: 'refused',
      networkCode: 'ECONNREFUSED',
      syscall: 'connect',
    });
  });

  it('maps a dropped connection (undici UND_ERR_SOCKET) to a reset, keeping the code out of the message', async () => {
    const url = `${base}/drop`;
    const error = await send({ url, method: 'GET', headers: {}, signal: signal() }).catch((e: unknown) => e);
    const mapped = errorForFetchFailure(error, 'export of masters', 1000, {
      upstream: upstreamOf('books'),
      url,
    });
    expect(mapped.code).toBe('portal_unavailable');
    expect(mapped.message).toContain('closed the connection during export of masters (connection reset)');
    expect(mapped.message).not.toMatch(/UND_ERR|ECONN/);
    expect(mapped.details).toMatchObject({ failure: 'reset' });
    expect(String(mapped.details?.networkCode)).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
  });
});
