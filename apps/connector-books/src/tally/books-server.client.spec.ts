import type { PortalError } from '@practice-sync/connector-kit';
import {
  ConnectorMetrics,
  fetchTransport,
  PortalBreaker,
  PortalHttpClient,
  upstreamOf,
} from '@practice-sync/connector-kit';
import { Registry } from 'prom-client';

import { BooksServerClient } from './books-server.client';

function client(fetchImpl: typeof fetch) {
  const metrics = new ConnectorMetrics(new Registry(), 'books');
  const breaker = new PortalBreaker(
    'books',
    { timeoutMs: 1000, errorThresholdPercentage: 50, resetTimeoutMs: 60_000, volumeThreshold: 100 },
    () => undefined,
  );
  const http = new PortalHttpClient({
    baseUrl: 'http://unused/books',
    requestTimeoutMs: 1000,
    breaker,
    metrics,
    transport: fetchTransport(fetchImpl),
    upstream: upstreamOf('books'),
  });
  return { books: new BooksServerClient(http, 1000), breaker };
}

const server = { companyId: '0193b000-0000-7000-8000-0000000000a1', booksUrl: 'http://tally:9000/books/ho' };
const signal = new AbortController().signal;
const failure = (promise: Promise<unknown>): Promise<PortalError> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: PortalError) => e,
  );

describe('BooksServerClient', () => {
  it("posts Tally XML to the company's books URL and reads its last ALTERID", async () => {
    const sent: { url: string; type: string | null; body: string }[] = [];
    const { books, breaker } = client(async (input, init) => {
      const headers = new Headers(init?.headers);
      sent.push({ url: String(input), type: headers.get('content-type'), body: String(init?.body) });
      return new Response(
        '<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DATA><COLLECTION><COMPANY NAME="HO"><LASTALTERID>4321</LASTALTERID></COMPANY></COLLECTION></DATA></BODY></ENVELOPE>',
      );
    });
    expect(await books.lastAlterId(server, 'books.masters', signal)).toBe(4321);
    expect(sent).toEqual([
      {
        url: server.booksUrl,
        type: 'text/xml; charset=utf-8',
        body: expect.stringContaining('<TYPE>Company</TYPE>'),
      },
    ]);
    breaker.shutdown();
  });

  it('answers garbage invalid_response (not retryable), a reset portal_unavailable (retryable)', async () => {
    const garbage = client(async () => new Response('<html><body>502 Bad Gateway'));
    const bad = await failure(garbage.books.lastAlterId(server, 'books.masters', signal));
    expect({ code: bad.code, retryable: bad.retryable }).toEqual({
      code: 'invalid_response',
      retryable: false,
    });
    // Staff tell books servers apart by the address the firm entered; the company id is internal.
    expect(bad.message).toBe(
      "reading the company (the books server at tally:9000): the books server answered something that is not Tally's XML",
    );
    garbage.breaker.shutdown();

    const reset = client(async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }),
      });
    });
    const down = await failure(reset.books.import(server, 'books.transactions', [], signal));
    expect({ code: down.code, retryable: down.retryable }).toEqual({
      code: 'portal_unavailable',
      retryable: true,
    });
    expect(down.message).toBe(
      'The books server at tally:9000 closed the connection during import of 0 object(s) (connection reset). ' +
        'Check that Tally is running there and reachable from practice-sync, then retry.',
    );
    expect(down.message).not.toContain(server.companyId);
    expect(down.details).toMatchObject({ failure: 'reset', networkCode: 'ECONNRESET' });
    reset.breaker.shutdown();
  });
});
