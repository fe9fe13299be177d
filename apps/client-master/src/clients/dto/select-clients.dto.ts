import { ValidationProblem } from '@practice-sync/problems';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { MAX_LIMIT } from '../../common/cursor';

export type ClientSelection = { all: true } | { ids: string[] } | { tags: string[] } | { offices: string[] };

export class SelectClientsDto {
  /** Shape checked by `parseSelection` (exactly one of all / ids / tags / offices). */
  @IsObject()
  selection!: Record<string, unknown>;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string | null;
}

export class UnmatchedSelectionDto {
  /** Shape checked by `parseSelection`. */
  @IsObject()
  selection!: Record<string, unknown>;
}

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
