import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, ValidateIf } from 'class-validator';

import type { FieldProblem } from '../field-check';
import { CheckField } from '../field-check';

export const ConflictSides = ['client', 'server'] as const;

function mergedBodyProblems(value: unknown, object: object): FieldProblem[] {
  if ((object as { keep?: unknown }).keep !== undefined)
    return [{ path: '', message: 'send either `keep` or `body`, not both' }];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [
      {
        path: '',
        message:
          'must be an object: the whole object in the field names the conflict’s versions show (their `fields`), edited',
      },
    ];
  return [];
}

/**
 * `POST /v1/branch-conflicts/{id}/resolve`: keep one end's version, or take a merged body (checked against the
 * object's type by connector-books, each bad field named as `body.<FIELD>`).
 */
export class ResolveConflictRequestDto {
  @ApiPropertyOptional({
    enum: ConflictSides,
    example: 'server',
    description: 'Keep the version of the link’s client or server company. Exactly one of `keep` or `body`.',
  })
  @ValidateIf((o: ResolveConflictRequestDto) => o.body === undefined || o.keep !== undefined)
  @IsDefined({
    message: 'is required: { keep: "client" | "server" }, or { body: { … } } with a merged version',
  })
  @IsIn(ConflictSides, { message: 'must be "client" or "server"' })
  keep?: (typeof ConflictSides)[number];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { NAME: 'Sai Steel Traders Pvt Ltd', PARENT: 'Local Debtors', OPENINGBALANCE: '-5000.00' },
    description:
      'A merged version: the whole object in Tally’s field names, as the versions’ `fields` show them (a ' +
      'master’s name as `NAME`; a voucher’s entries as `ALLLEDGERENTRIES.LIST` …), edited.',
  })
  @ValidateIf((o: ResolveConflictRequestDto) => o.body !== undefined)
  @CheckField('branchConflict.body', mergedBodyProblems)
  body?: Record<string, unknown>;
}
