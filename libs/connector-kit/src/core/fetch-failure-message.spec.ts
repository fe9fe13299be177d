import type { ConnectorFamily } from './connector-family';
import { errorForFetchFailure, errorForHttpStatus } from './http-error-mapping';
import { upstreamOf } from './upstream';

/** The exceptions undici and Node throw, as they reach the mapping (request: bare; fetch: on `cause`). */
const failures = {
  refused: () =>
    Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:9000'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      address: '10.1.2.3',
      port: 9000,
    }),
  timeout: () => new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
  dns: () =>
    new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND tally.branch.lan'), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname: 'tally.branch.lan',
      }),
    }),
  reset: () => Object.assign(new Error('other side closed'), { name: 'SocketError', code: 'UND_ERR_SOCKET' }),
  connect_timeout: () =>
    Object.assign(new Error('Connect Timeout Error'), {
      name: 'ConnectTimeoutError',
      code: 'UND_ERR_CONNECT_TIMEOUT',
    }),
  no_route: () =>
    Object.assign(new Error('connect EHOSTUNREACH 10.1.2.3:9000'), {
      code: 'EHOSTUNREACH',
      syscall: 'connect',
    }),
} as const;

const COMPANY_ID = '0193b000-0000-7000-8000-0000000000a1';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** undici's and Node's error codes: for SREs (details), never in what staff read. */
const TECHNICAL = /UND_ERR|\bE[A-Z]{4,}\b|errno|getaddrinfo|syscall/;

type Kind = keyof typeof failures;
const KINDS = Object.keys(failures) as Kind[];

function map(family: ConnectorFamily, kind: Kind, what: string, url: string) {
  return errorForFetchFailure(failures[kind](), what, 15_000, { upstream: upstreamOf(family), url });
}

describe('the fetch-failure message staff read', () => {
  const booksUrl = 'http://tally.branch.lan:9000/';
  const books = {
    refused:
      'The books server at tally.branch.lan:9000 did not answer reading the company (connection refused). ' +
      'Check that Tally is running there and reachable from practice-sync, then retry.',
    timeout:
      'The books server at tally.branch.lan:9000 did not answer reading the company within 15 s. ' +
      'Check that Tally is running there and reachable from practice-sync, then retry.',
    dns:
      'The books server at tally.branch.lan:9000 could not be found for reading the company (its name does not ' +
      "resolve). Check the company's books address, then retry.",
    reset:
      'The books server at tally.branch.lan:9000 closed the connection during reading the company (connection ' +
      'reset). Check that Tally is running there and reachable from practice-sync, then retry.',
    connect_timeout:
      'The books server at tally.branch.lan:9000 did not accept a connection for reading the company in time (no ' +
      'answer to connect). Check that Tally is running there and reachable from practice-sync, then retry.',
    no_route:
      'The books server at tally.branch.lan:9000 could not be reached for reading the company (no network route ' +
      'to it). Check that Tally is running there and reachable from practice-sync, then retry.',
  };

  it.each(Object.entries(books))(
    'books, %s: names the books server by its host and says what to do',
    (kind, text) => {
      const error = map('books', kind as Kind, 'reading the company', booksUrl);
      expect(error.message).toBe(text);
      expect(error.message).not.toMatch(/portal/);
    },
  );

  const portals: [ConnectorFamily, string][] = [
    ['gst', 'The GST portal'],
    ['itr', 'The e-filing portal'],
    ['esign', 'The e-sign portal'],
  ];
  const phrases = {
    refused: 'did not answer GSTR-2B page 2 of 3 (connection refused).',
    timeout: 'did not answer GSTR-2B page 2 of 3 within 15 s.',
    dns: 'could not be found for GSTR-2B page 2 of 3 (its name does not resolve).',
    reset: 'closed the connection during GSTR-2B page 2 of 3 (connection reset).',
    connect_timeout: 'did not accept a connection for GSTR-2B page 2 of 3 in time (no answer to connect).',
    no_route: 'could not be reached for GSTR-2B page 2 of 3 (no network route to it).',
  };

  it.each(portals.flatMap(([family, name]) => KINDS.map((kind) => [family, kind, name] as const)))(
    '%s, %s: names the portal, not its host, and says what to do',
    (family, kind, name) => {
      const error = map(
        family,
        kind,
        'GSTR-2B page 2 of 3',
        'http://127.0.0.1:3100/gst/returns?gstin=27AAACR5055K1Z7',
      );
      expect(error.message.startsWith(`${name} ${phrases[kind]} `)).toBe(true);
      expect(error.message).toMatch(/retry the failed jobs later/i);
      expect(error.message).not.toContain('127.0.0.1');
      expect(error.message).not.toContain('27AAACR5055K1Z7');
    },
  );

  it.each(
    (['books', 'gst', 'itr', 'esign'] as const).flatMap((family) =>
      KINDS.map((kind) => [family, kind] as const),
    ),
  )('%s, %s: keeps the code, no UUID or undici code in the message, the cause in details', (family, kind) => {
    // The books connector used to put the company id in `what`; the message must not show it even then.
    const error = map(family, kind, 'export of masters', `http://10.1.2.3:9000/books/${COMPANY_ID}`);
    expect(error.code).toBe(kind === 'timeout' ? 'timeout' : 'portal_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toMatch(UUID);
    expect(error.message).not.toMatch(TECHNICAL);
    expect(error.details).toMatchObject({ failure: kind });
    if (kind !== 'timeout') expect(error.details?.networkCode).toMatch(TECHNICAL);
    expect(error.cause).toBeDefined();
  });

  it('keeps errno and syscall for SREs, from the error or its cause', () => {
    expect(map('books', 'refused', 'x', booksUrl).details).toEqual({
      failure: 'refused',
      networkCode: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      errorName: 'Error',
    });
    expect(map('gst', 'dns', 'x', booksUrl).details).toEqual({
      failure: 'dns',
      networkCode: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      errorName: 'TypeError',
    });
    expect(map('gst', 'timeout', 'x', booksUrl).details).toEqual({
      failure: 'timeout',
      errorName: 'TimeoutError',
    });
  });

  it('says "network error" for a failure without a known code, with whatever code there is in details', () => {
    const odd = errorForFetchFailure(Object.assign(new Error('odd'), { code: 'UND_ERR_INFO' }), 'x', 1000, {
      upstream: upstreamOf('books'),
      url: booksUrl,
    });
    expect(odd.message).toBe(
      'The books server at tally.branch.lan:9000 could not be reached for x (network error). ' +
        'Check that Tally is running there and reachable from practice-sync, then retry.',
    );
    expect(odd.details).toMatchObject({ failure: 'other', networkCode: 'UND_ERR_INFO' });
  });

  it('never shows a credential or path of the URL', () => {
    const error = map('books', 'refused', 'x', 'http://user:secret@tally.branch.lan:9000/private/path');
    expect(error.message).toContain('at tally.branch.lan:9000 ');
    expect(error.message).not.toMatch(/secret|user|private/);
  });
});

describe('the refused-access message staff read (HTTP 401 / 403)', () => {
  it('a books server: names it by its host and points at its access settings, not at portal credentials', () => {
    const error = errorForHttpStatus(403, null, 'reading the company', {
      upstream: upstreamOf('books'),
      url: 'http://tally.branch.lan:9000/',
    });
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false });
    expect(error?.message).toBe(
      'The books server at tally.branch.lan:9000 refused access to reading the company (HTTP 403). ' +
        'Check that the books server (or the proxy in front of it) lets practice-sync in, then retry.',
    );
    expect(error?.message).not.toMatch(/portal/);
  });

  it.each(['gst', 'itr', 'esign'] as const)(
    'the %s portal: points at the credentials and consent',
    (family) => {
      const error = errorForHttpStatus(401, null, 'GSTR-2B', {
        upstream: upstreamOf(family),
        url: 'https://portal.example/api/x?token=secret',
      });
      expect(error?.message).toMatch(
        /^The (GST|e-filing|e-sign) portal refused access to GSTR-2B \(HTTP 401\)\. /,
      );
      expect(error?.message).toContain('Check the portal credentials and consent');
      expect(error?.message).not.toMatch(/portal\.example|secret/);
    },
  );
});
