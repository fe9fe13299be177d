import { ValidationProblem } from '@practice-sync/problems';

import { SelectionPageRequestDto, SelectionRequestDto } from '../../common/page-query.dto';

export type ClientSelection = { all: true } | { ids: string[] } | { tags: string[] } | { offices: string[] };

/** Shape of `selection` checked by `parseSelection` (exactly one of all / ids / tags / offices). */
export class SelectClientsDto extends SelectionPageRequestDto {}

export class UnmatchedSelectionDto extends SelectionRequestDto {}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The selection as a typed union; a 400 naming `selection` otherwise. */
export function parseSelection(raw: Record<string, unknown>): ClientSelection {
  const keys = Object.keys(raw).filter((k) => raw[k] !== undefined);
  if (keys.length === 1) {
    const [key] = keys;
    if (key === 'all' && raw.all === true) return { all: true };
    if ((key === 'ids' || key === 'tags' || key === 'offices') && isStringList(raw[key])) {
      return { [key]: raw[key] } as ClientSelection;
    }
  }
  throw new ValidationProblem([
    {
      field: 'selection',
      message: 'must be one of { all: true }, { ids: [] }, { tags: [] }, { offices: [] }',
    },
  ]);
}
