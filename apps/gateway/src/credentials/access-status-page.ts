import { ValidationProblem } from '@practice-sync/problems';

import type { AccessStatusDto } from './dto/access-status.dto';

const DEFAULT_LIMIT = 50;

function sortKey(s: Pick<AccessStatusDto, 'portal' | 'identifier'>): string {
  return `${s.portal}|${s.identifier}`;
}

/**
 * One page of the three connectors' lists merged, ordered by portal then identifier. The cursor is the last
 * key of the previous page (base64url), so pages stay stable while statuses change.
 */
export function pageAccessStatuses(
  items: AccessStatusDto[],
  limit = DEFAULT_LIMIT,
  cursor?: string,
): { items: AccessStatusDto[]; nextCursor: string | null } {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const sorted = [...items].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((s) => sortKey(s) > after);
  const page = rest.slice(0, limit);
  const more = rest.length > limit;
  return {
    items: page,
    nextCursor: more ? Buffer.from(sortKey(page[page.length - 1]), 'utf8').toString('base64url') : null,
  };
}

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^(gst|itr|esign)\|/.test(key)) {
    throw new ValidationProblem([{ field: 'cursor', message: 'is not a cursor this list gave out' }]);
  }
  return key;
}
