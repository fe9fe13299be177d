/**
 * The vocabulary of branch sync (DESIGN.md "Branch sync"): companies, links between them and the rules that
 * say what a link moves. Values are part of the public contract: never rename one in place.
 */
export const CompanyRoles = ['head_office', 'branch'] as const;
export type CompanyRole = (typeof CompanyRoles)[number];

/** `online`: changes move now; `on_demand`: practice-sync holds them until the receiver takes them. */
export const LinkModes = ['online', 'on_demand'] as const;
export type LinkMode = (typeof LinkModes)[number];

/** What a person sees of a link: `offline` has held changes waiting, `failed` says why in `error`. */
export const LinkStates = ['online', 'offline', 'syncing', 'failed'] as const;
export type LinkState = (typeof LinkStates)[number];

/** A rule is proposed by the client side; only the server side's activation makes it move anything. */
export const RuleStatuses = ['proposed', 'active', 'rejected'] as const;
export type RuleStatus = (typeof RuleStatuses)[number];

/**
 * Tally's master types, named as Tally names them (a rule's `types` for `masters`). Transactions' types are
 * voucher type names, which are user-defined in Tally (any name a company created), so they are not listed.
 */
export const BooksMasterTypes = [
  'Group',
  'Ledger',
  'Stock Item',
  'Unit',
  'Currency',
  'Voucher Type',
  'Cost Centre',
] as const;
export type BooksMasterType = (typeof BooksMasterTypes)[number];

/** Longest voucher type name accepted (Tally's names are far shorter; this only bounds storage). */
export const MAX_VOUCHER_TYPE_NAME = 100;

/* Jobs: books categories are kept apart from the portal catalogue (`categories.ts`): they are not in `all` or
 * GET /v1/categories, and their jobs run per link, not per client identifier. */
export const BooksCategories = ['books.masters', 'books.transactions', 'books.snapshot'] as const;
export type BooksCategory = (typeof BooksCategories)[number];

/**
 * What a run, a schedule or a restart over links syncs: changes since the link's watermarks. A snapshot
 * (`books.snapshot`) is started only by POST /v1/branch-links/{id}/snapshot, never by a schedule.
 */
export const BooksSyncCategories = ['books.masters', 'books.transactions'] as const;
export type BooksSyncCategory = (typeof BooksSyncCategories)[number];

export function isBooksSyncCategory(value: string): value is BooksSyncCategory {
  return (BooksSyncCategories as readonly string[]).includes(value);
}

/**
 * `books.snapshot` (POST /v1/branch-links/{id}/snapshot): the server company's full books, masters then
 * vouchers, copied to the client company in acknowledged chunks; it covers both classes.
 */
export const isSnapshotCategory = (category: string): boolean => category === 'books.snapshot';

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

/** The class a job moves (a snapshot moves both; its watermarks are set for both, it reads as `transactions`). */
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
