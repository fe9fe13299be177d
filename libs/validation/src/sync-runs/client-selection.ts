import { isUUID } from 'class-validator';

import type { FieldProblem } from '../field-check';

export type ClientSelection = { all: true } | { ids: string[] } | { tags: string[] } | { offices: string[] };

const KEYS = ['all', 'ids', 'tags', 'offices'] as const;
const MAX_IDS = 10_000;
const SHAPES = '{ all: true }, { ids: [...] }, { tags: [...] } or { offices: [...] }';

/**
 * Validates the client selection of a sync run: exactly one key, and a value that can select someone.
 * Checked by hand rather than with nested DTOs because "exactly one of" is a rule about the object as a whole.
 */
export function clientSelectionProblems(value: unknown): FieldProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '', message: `must be one of ${SHAPES}` }];
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    return unknown.map((k) => ({ path: `.${k}`, message: `is not a known selection; use one of ${SHAPES}` }));
  }
  const present = KEYS.filter((k) => record[k] !== undefined);
  if (present.length !== 1) {
    return [
      {
        path: '',
        message:
          present.length === 0
            ? `must be one of ${SHAPES}`
            : `must choose exactly one of all, ids, tags, offices (got ${present.join(', ')})`,
      },
    ];
  }
  const key = present[0];
  if (key === 'all') return record.all === true ? [] : [{ path: '.all', message: 'must be true' }];
  return listProblems(key, record[key], key === 'ids' ? idProblem : labelProblem);
}

function listProblems(
  key: string,
  list: unknown,
  itemProblem: (item: unknown) => string | null,
): FieldProblem[] {
  if (!Array.isArray(list)) return [{ path: `.${key}`, message: 'must be an array' }];
  if (list.length === 0) return [{ path: `.${key}`, message: 'must not be empty' }];
  if (list.length > MAX_IDS) return [{ path: `.${key}`, message: `must have at most ${MAX_IDS} entries` }];
  return list.flatMap((item: unknown, i) => {
    const problem = itemProblem(item);
    return problem ? [{ path: `.${key}[${i}]`, message: problem }] : [];
  });
}

function idProblem(item: unknown): string | null {
  return typeof item === 'string' && isUUID(item) ? null : 'must be a client id (UUID)';
}

function labelProblem(item: unknown): string | null {
  return typeof item === 'string' && item.trim().length > 0 && item.length <= 100
    ? null
    : 'must be a non-empty string of at most 100 characters';
}
