import type {
  BooksCategory,
  BooksRule,
  Category,
  LinkMode,
  Portal,
  SubjectKind,
} from '@practice-sync/contracts';

/**
 * What a run is over: clients (portal categories, one job per identifier) or branch links (`books.*`
 * categories, one job per link and class; DESIGN.md "Branch sync").
 */
export const RunSubjectKinds = ['clients', 'links'] as const;
export type RunSubjectKind = (typeof RunSubjectKinds)[number];

/** A job's category: a portal category of the catalogue, or a books class of a link. */
export type JobCategory = Category | BooksCategory;

/** The job topic family a job goes to, the unit of the dispatch caps: a portal, or `books` (connector-books). */
export type JobPortal = Portal | 'books';

/** A job's subject: a client's GSTIN, PAN or e-sign file, or (branch sync) a link, whose id is the value. */
export type JobSubjectKind = SubjectKind | 'link';

export function jobPortalOf(category: string): JobPortal {
  return category.slice(0, category.indexOf('.')) as JobPortal;
}

/** What a books job's dispatch sends about its link: both books servers and the class's active rules. */
export interface BooksJobSnapshot {
  client: { companyId: string; booksUrl: string };
  server: { companyId: string; booksUrl: string };
  rules: BooksRule[];
  /** The link's mode (absent in snapshots taken before modes travelled: `online`). */
  mode?: LinkMode;
  /** `books.snapshot` only: import over a receiver whose books are not empty. */
  snapshot?: BooksSnapshotOptions;
}

/** A snapshot's options (POST /v1/branch-links/{id}/snapshot `{ replace }`). */
export interface BooksSnapshotOptions {
  replace: boolean;
}
