import type { BooksCategory, Category, Portal } from '@practice-sync/contracts';

/** What a connector talks to: a government portal, or companies' books servers (connector-books). */
export type ConnectorFamily = Portal | 'books';

/** A job's category: a portal category, or a branch-sync class (connector-books). */
export type JobCategory = Category | BooksCategory;
