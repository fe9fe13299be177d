import { ProblemException } from '@practice-sync/problems';

import { decodeGridCursor, encodeGridCursor } from './status-grid.dto';

describe('status grid cursor', () => {
  const key = {
    clientId: '0190a0b0-0000-7000-8000-000000000003',
    category: 'gst.gstr2b',
    subjectKind: 'gstin',
    subjectValue: '27AAACR5055K1Z7',
  };

  it('round-trips the key of the last cell', () => {
    expect(decodeGridCursor(encodeGridCursor(key))).toEqual(key);
  });

  it.each([
    'nope',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('{"id":"x"}').toString('base64url'),
  ])('refuses a cursor it did not give out (%s)', (cursor) => {
    expect(() => decodeGridCursor(cursor)).toThrow(ProblemException);
  });
});
