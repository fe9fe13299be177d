import { ValidationProblem } from '@practice-sync/problems';

import { decodeCursor, encodeCursor, toPage } from './cursor';

const ID = '0193a8f4-2222-7abc-8def-0123456789ab';

describe('cursor', () => {
  it('round-trips an id through an opaque, URL-safe string', () => {
    const cursor = encodeCursor(ID);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(ID);
    expect(decodeCursor(cursor)).toBe(ID);
  });

  it.each([
    'garbage',
    '',
    Buffer.from('{"id":"x"}').toString('base64url'),
    Buffer.from('null').toString('base64url'),
  ])('rejects %j with a problem naming the cursor', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationProblem);
    try {
      decodeCursor(cursor);
    } catch (e) {
      expect((e as ValidationProblem).errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    }
  });

  it('only gives a next cursor when there is a next page', () => {
    const rows = ['a', 'b', 'c'].map((x) => ({ id: `${ID.slice(0, -1)}${x}` }));
    const full = toPage(rows, 2, (r) => r.id);
    expect(full.items).toHaveLength(2);
    expect(decodeCursor(full.nextCursor ?? '')).toBe(rows[1].id);
    expect(toPage(rows.slice(0, 2), 2, (r) => r.id).nextCursor).toBeNull();
    expect(toPage([], 2, (r: { id: string }) => r.id)).toEqual({ items: [], nextCursor: null });
  });
});
