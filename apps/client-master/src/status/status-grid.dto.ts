import { Categories, JobOutcomes } from '@practice-sync/contracts';
import { ValidationProblem } from '@practice-sync/problems';
import { IsIn, IsOptional } from 'class-validator';

import { PageQueryDto } from '../common/page-query.dto';

export class StatusGridQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(Categories, { message: `must be one of ${Categories.join(', ')}` })
  category?: string;

  @IsOptional()
  @IsIn(JobOutcomes, { message: `must be one of ${JobOutcomes.join(', ')}` })
  outcome?: string;
}

/** One cell of the firm-wide grid: a client's latest result of a category for one identifier. */
export interface StatusGridCellDto {
  clientId: string;
  clientName: string;
  category: string;
  subject: { kind: string; value: string };
  /** The period of the latest result. */
  period: string | null;
  lastOutcome: string;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  /** The last success of this client, category and identifier, whatever the period. */
  lastSuccessAt: string | null;
  lastFinishedAt: string;
  lastRunId: string;
  lastJobId: string;
}

/** Where a page of the grid ends: the key of its last cell (the grid is ordered by it). */
export interface GridKey {
  clientId: string;
  category: string;
  subjectKind: string;
  subjectValue: string;
}

export function encodeGridCursor(key: GridKey): string {
  return Buffer.from(
    JSON.stringify([key.clientId, key.category, key.subjectKind, key.subjectValue]),
    'utf8',
  ).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The key to continue after; a 400 naming `cursor` when this grid did not give it out. */
export function decodeGridCursor(cursor: string): GridKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 4 &&
      parsed.every((p) => typeof p === 'string') &&
      UUID.test(parsed[0] as string)
    ) {
      const [clientId, category, subjectKind, subjectValue] = parsed as string[];
      return { clientId, category, subjectKind, subjectValue };
    }
  } catch {
    // fall through to the problem below
  }
  throw new ValidationProblem([
    { field: 'cursor', message: 'is not a cursor this API returned; pass nextCursor unchanged' },
  ]);
}
