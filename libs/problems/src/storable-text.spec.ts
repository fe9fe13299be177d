import { isStorableText, requestTextErrors, unstorableTextErrors } from './storable-text';

describe('storable text', () => {
  it('refuses NUL and lone surrogates, keeps valid pairs and other control characters', () => {
    expect(isStorableText('plain \u202e \t \ud83d\ude00')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('\ud83d')).toBe(false);
    expect(isStorableText('x\ude00')).toBe(false);
  });

  it('names every bad string by its path, keys included', () => {
    const body = {
      name: 'ok',
      clients: { tags: ['fine', 'bad\u0000'] },
      period: { gst: '\ud800' },
      ['k\u0000']: 1,
    };
    expect(unstorableTextErrors(body, '')).toEqual([
      { field: 'clients.tags[1]', message: expect.stringContaining('NUL') },
      { field: 'period.gst', message: expect.stringContaining('surrogate') },
      { field: '(body)', message: expect.stringContaining('field name') },
    ]);
  });

  it('checks the path, the query and the Idempotency-Key of a request', () => {
    expect(
      requestTextErrors({
        path: '/v1/clients/%00',
        originalUrl: '/v1/clients/%00?q=a%00',
        query: { q: 'a\u0000' },
        body: undefined,
        headers: { 'idempotency-key': 'k\u0000' },
      }).map((e) => e.field),
    ).toEqual(['path', 'query.q', 'Idempotency-Key']);
  });
});
