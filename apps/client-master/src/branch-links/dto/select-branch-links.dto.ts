import { ValidationProblem } from '@practice-sync/problems';

/** The links a branch sync run is about: every link of the firm, or these. */
export type BranchLinkSelection = { all: true } | { ids: string[] };

/** The selection as a typed union; a 400 naming `selection` otherwise. */
export function parseLinkSelection(raw: Record<string, unknown>): BranchLinkSelection {
  const keys = Object.keys(raw).filter((k) => raw[k] !== undefined);
  if (keys.length === 1) {
    if (keys[0] === 'all' && raw.all === true) return { all: true };
    const ids = raw.ids;
    if (keys[0] === 'ids' && Array.isArray(ids) && ids.every((x) => typeof x === 'string')) return { ids };
  }
  throw new ValidationProblem([{ field: 'selection', message: 'must be one of { all: true }, { ids: [] }' }]);
}
