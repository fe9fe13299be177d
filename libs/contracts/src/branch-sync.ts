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

export const RuleClasses = ['masters', 'transactions'] as const;
export type RuleClass = (typeof RuleClasses)[number];

/** Seen from the link's client company: `send` moves its objects to the server company, `receive` back. */
export const RuleDirections = ['send', 'receive', 'both'] as const;
export type RuleDirection = (typeof RuleDirections)[number];

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
