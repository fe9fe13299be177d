import { BadRequestException } from '@nestjs/common';

import { decodeCursor, encodeCursor, pageOf } from './cursor';

describe('cursor pagination', () => {
  const id = (n: number) => `01936f6e-0000-7000-8000-${String(n).padStart(12, '0')}`;

  it('round-trips an id through an opaque cursor', () => {
    const cursor = encodeCursor(id(7));
    expect(cursor).not.toContain('-');
    expect(decodeCursor(cursor)).toBe(id(7));
  });

  it('rejects a cursor it did not make', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(BadRequestException);
  });

  it('returns limit rows and a cursor only when there are more', () => {
    const rows = [1, 2, 3].map((n) => ({ id: id(n) }));
    expect(pageOf(rows, 3)).toEqual({ rows, nextCursor: null });
    const page = pageOf(rows, 2);
    expect(page.rows).toEqual(rows.slice(0, 2));
    expect(decodeCursor(page.nextCursor ?? '')).toBe(id(2));
  });
});
