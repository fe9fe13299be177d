import { ValidationProblem } from '@practice-sync/problems';
import type { SelectQueryBuilder } from 'typeorm';

/**
 * Keyset pagination over `id` (UUIDv7, so id order is creation order). The cursor is opaque to callers:
 * base64url JSON, so its content can grow (e.g. a sort key) without breaking old links.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ id: lastId }), 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id to continue after; a 400 naming `cursor` when it was not produced by encodeCursor. */
export function decodeCursor(cursor: string, field = 'cursor'): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const id = (parsed as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && UUID.test(id)) return id.toLowerCase();
  } catch {
    // fall through to the problem below
  }
  throw new ValidationProblem([
    { field, message: 'is not a cursor this API returned; pass nextCursor unchanged' },
  ]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says that there is a next page. */
export function toPage<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(idOf(last)) : null };
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

/** One page of `qb` (rows of `alias`, keyed by an `id` column) in id order, mapped to its resource. */
export async function keysetPage<E extends { id: string }, T>(
  qb: SelectQueryBuilder<E>,
  alias: string,
  page: PageRequest,
  map: (row: E) => T,
): Promise<Page<T>> {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (page.cursor) qb.andWhere(`${alias}.id > :after`, { after: decodeCursor(page.cursor) });
  const rows = await qb
    .orderBy(`${alias}.id`, 'ASC')
    .take(limit + 1)
    .getMany();
  const result = toPage(rows, limit, (r) => r.id);
  return { items: result.items.map(map), nextCursor: result.nextCursor };
}
