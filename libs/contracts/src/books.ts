/**
 * Branch sync (books between a head office and its branches): its job categories, object classes and
 * directions. Kept apart from the portal catalogue (`categories.ts`): books categories are not portal
 * categories (`all`, GET /v1/categories), and their jobs run per link, not per client identifier.
 */
export const BooksCategories = ['books.masters', 'books.transactions'] as const;
export type BooksCategory = (typeof BooksCategories)[number];

/** The object class a rule (and a job) moves. */
export const BooksClasses = ['masters', 'transactions'] as const;
export type BooksClass = (typeof BooksClasses)[number];

/**
 * A rule's direction, from the link's CLIENT side (Tally's client rule): `send` = client → server,
 * `receive` = server → client, `both`.
 */
export const BooksRuleDirections = ['send', 'receive', 'both'] as const;
export type BooksRuleDirection = (typeof BooksRuleDirections)[number];

/** The direction one exchange of a job runs in: `send` (client → server) or `receive` (server → client). */
export const BooksDirections = ['send', 'receive'] as const;
export type BooksDirection = (typeof BooksDirections)[number];

export function booksClassOf(category: BooksCategory): BooksClass {
  return category === 'books.masters' ? 'masters' : 'transactions';
}

export function isBooksCategory(value: string): value is BooksCategory {
  return (BooksCategories as readonly string[]).includes(value);
}

/**
 * Why one object failed to import, as a code (the Tally error text names ledgers and amounts: it stays in
 * connector-books' own tables and never travels on Kafka).
 */
export const BooksObjectErrorCodes = [
  'missing_master',
  'totals_mismatch',
  'invalid_date',
  'no_entries',
  'invalid_amount',
  'duplicate_name',
  'missing_group',
  'invalid_gstin',
  'in_use',
  'guid_missing',
  'guid_conflict',
  'invalid_parent',
  'unknown_object',
  'rejected',
] as const;
export type BooksObjectErrorCode = (typeof BooksObjectErrorCodes)[number];
