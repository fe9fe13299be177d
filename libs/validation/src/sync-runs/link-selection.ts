import {
  BooksSyncCategories,
  Categories,
  CategoryAliases,
  isBooksCategory,
  isBooksSyncCategory,
  isCategoryOrAlias,
} from '@practice-sync/contracts';
import { isUUID } from 'class-validator';

import type { FieldProblem } from '../field-check';

/** The branch links a run syncs (DESIGN.md "Branch sync"): every link of the firm, or these. */
export type LinkSelection = { all: true } | { ids: string[] };

const MAX_IDS = 10_000;
const SHAPES = '{ all: true } or { ids: [...] } (branch link ids)';
const BOOKS = BooksSyncCategories.join(', ');

const hasLinks = (object: object): boolean => (object as { links?: unknown }).links !== undefined;
const hasClients = (object: object): boolean => (object as { clients?: unknown }).clients !== undefined;

/** What a selection belongs to, for the words of its problems. */
export type SelectionOwner = 'run' | 'schedule';

const SECOND: Record<SelectionOwner, string> = {
  run: 'start a second run',
  schedule: 'save a second schedule',
};

/** `links`: exactly one of `all` / `ids`, and never together with `clients` (a run's or a schedule's). */
export function linkSelectionProblemsOf(owner: SelectionOwner) {
  return (value: unknown, object: object): FieldProblem[] => {
    if (hasClients(object)) {
      return [
        {
          path: '',
          message:
            `a ${owner} selects either \`clients\` (portal categories) or \`links\` (books.* categories), ` +
            `not both; remove one and ${SECOND[owner]} for the other`,
        },
      ];
    }
    return linkSelectionShapeProblems(value);
  };
}

/** A run's `links`: exactly one of `all` / `ids`, and never together with `clients`. */
export const linkSelectionProblems = linkSelectionProblemsOf('run');

/** The shape of a link selection alone: exactly one of `all` / `ids`, ids that are UUIDs. */
export function linkSelectionShapeProblems(value: unknown): FieldProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '', message: `must be one of ${SHAPES}` }];
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => k !== 'all' && k !== 'ids');
  if (unknown.length > 0) {
    return unknown.map((k) => ({
      path: `.${k}`,
      message: `is not a known link selection; use ${SHAPES} (links have no tags or offices)`,
    }));
  }
  const present = (['all', 'ids'] as const).filter((k) => record[k] !== undefined);
  if (present.length !== 1) {
    return [
      {
        path: '',
        message:
          present.length === 0
            ? `must be one of ${SHAPES}`
            : 'must choose exactly one of all, ids (got all, ids)',
      },
    ];
  }
  if (present[0] === 'all') return record.all === true ? [] : [{ path: '.all', message: 'must be true' }];
  const ids = record.ids;
  if (!Array.isArray(ids)) return [{ path: '.ids', message: 'must be an array of branch link ids' }];
  if (ids.length === 0)
    return [{ path: '.ids', message: 'must not be empty; use { all: true } for every link' }];
  if (ids.length > MAX_IDS) return [{ path: '.ids', message: `must have at most ${MAX_IDS} entries` }];
  return ids.flatMap((id: unknown, i) =>
    typeof id === 'string' && isUUID(id)
      ? []
      : [
          {
            path: `.ids[${i}]`,
            message: 'must be a branch link id (UUID, as GET /v1/branch-links lists them)',
          },
        ],
  );
}

/**
 * A run's categories: portal categories (and aliases) with `clients`, `books.*` only with `links`. Each bad
 * element is named by index with what to send instead.
 */
export function runCategoriesProblems(value: unknown, object: object): FieldProblem[] {
  return categoriesProblemsFor(hasLinks(object) ? 'links' : 'clients', value, 'run');
}

/** A schedule's categories on creation: as a run's, by whether it sends `links`. */
export function scheduleCategoriesProblems(value: unknown, object: object): FieldProblem[] {
  return categoriesProblemsFor(hasLinks(object) ? 'links' : 'clients', value, 'schedule');
}

/**
 * Categories for what a run or schedule is over: portal categories (and aliases) for `clients`, `books.*` for
 * `links`. Used on its own where the subject is known from elsewhere (a stored schedule being changed).
 */
export function categoriesProblemsFor(
  subject: 'clients' | 'links',
  value: unknown,
  owner: SelectionOwner = 'run',
): FieldProblem[] {
  if (!Array.isArray(value)) return [{ path: '', message: 'must be an array' }];
  return value.flatMap((item: unknown, i) => {
    if (typeof item !== 'string') return [{ path: `[${i}]`, message: 'must be a string' }];
    const problem = subject === 'links' ? booksProblem(item, owner) : clientCategoryProblem(item);
    return problem ? [{ path: `[${i}]`, message: problem }] : [];
  });
}

/** Any category a run or schedule may hold (portal, alias or `books.*`), for a change that does not say which. */
export function anyCategoryProblems(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [{ path: '', message: 'must be an array' }];
  return value.flatMap((item: unknown, i) => {
    if (typeof item !== 'string') return [{ path: `[${i}]`, message: 'must be a string' }];
    if (isBooksSyncCategory(item) || isCategoryOrAlias(item)) return [];
    if (isBooksCategory(item)) return [{ path: `[${i}]`, message: SNAPSHOT_BY_ITS_ROUTE }];
    return [
      {
        path: `[${i}]`,
        message: `unknown category "${item}"; use one of ${[...Categories, ...CategoryAliases].join(', ')} (or ${BOOKS} with \`links\`)`,
      },
    ];
  });
}

const SNAPSHOT_BY_ITS_ROUTE =
  '"books.snapshot" is started per link by POST /v1/branch-links/{id}/snapshot (optionally { "replace": true }), ' +
  `not by a run or schedule; use ${BooksSyncCategories.join(', ')} here`;

function booksProblem(v: string, owner: SelectionOwner): string | null {
  if (isBooksSyncCategory(v)) return null;
  if (isBooksCategory(v)) return SNAPSHOT_BY_ITS_ROUTE;
  return (
    `"${v}" cannot run over branch links; a ${owner} over \`links\` syncs ${BOOKS} ` +
    `(${owner === 'run' ? 'start a separate run' : 'save a separate schedule'} over \`clients\` for portal categories)`
  );
}

function clientCategoryProblem(v: string): string | null {
  if (isBooksCategory(v)) {
    return `"${v}" syncs branch links, not clients: send \`links\` ({ all: true } or { ids: [...] }) instead of \`clients\``;
  }
  if (isCategoryOrAlias(v)) return null;
  return `unknown category "${v}"; use one of ${[...Categories, ...CategoryAliases].join(', ')} (or ${BOOKS} with \`links\`)`;
}

/** A branch sync has no period: its jobs move what changed since the link's last sync. */
export function runPeriodProblems(value: unknown, object: object): FieldProblem[] {
  // A schedule's `period: null` (each run takes its day's defaults) is no period.
  if (!hasLinks(object) || value === null) return [];
  return [
    {
      path: '',
      message:
        'must be omitted for a run over `links`: branch sync has no period (each link moves what changed since its last sync)',
    },
  ];
}
