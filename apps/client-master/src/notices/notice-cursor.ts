import { toIsoDate } from '@practice-sync/contracts';
import { ValidationProblem } from '@practice-sync/problems';

/** Where a page of notices (by due date, then id) ends: opaque base64url JSON, like every cursor here. */
export interface NoticeCursor {
  due: string | null;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeNoticeCursor(cursor: NoticeCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeNoticeCursor(cursor: string): NoticeCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<NoticeCursor>;
    const { id, due } = parsed;
    if (
      typeof id === 'string' &&
      UUID.test(id) &&
      (due === null || (typeof due === 'string' && toIsoDate(due) === due))
    )
      return { id: id.toLowerCase(), due };
  } catch {
    // fall through to the problem below
  }
  throw new ValidationProblem([
    { field: 'cursor', message: 'is not a cursor this API returned; pass nextCursor unchanged' },
  ]);
}
