import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BooksSyncCategories,
  Categories,
  CategoryAliases,
  isCategoryOrAlias,
  isGstPeriod,
  isYearRange,
} from '@practice-sync/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsDefined,
  IsObject,
  IsOptional,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { CheckField, stringRule } from '../field-check';
import type { ClientSelection } from './client-selection';
import { clientSelectionProblems } from './client-selection';
import type { LinkSelection } from './link-selection';
import { linkSelectionProblems, runCategoriesProblems, runPeriodProblems } from './link-selection';

export const ALLOWED_CATEGORIES = [...Categories, ...CategoryAliases];

export const categoryProblem = (v: string): string | null =>
  isCategoryOrAlias(v) ? null : `unknown category "${v}"; use one of ${ALLOWED_CATEGORIES.join(', ')}`;

const GST_PERIOD = 'a GST return period MMYYYY, e.g. 042025 (omit it for the default period)';
/** One run syncs one assessment year; "all years" (null) is refused with how to ask for several. */
const ASSESSMENT_YEAR =
  'one assessment year YYYY-YY with consecutive years, e.g. 2025-26 (one run syncs one year: start a run ' +
  'per year; omit it for the last completed assessment year)';

export class SyncPeriodDto {
  @ApiPropertyOptional({
    example: '042025',
    description:
      'GST return period, MMYYYY. Without it each GST category uses its own default: the latest ' +
      'closed month, and for GSTR-2B the latest generated (on the 14th of the next month); see ' +
      'GET /v1/categories. A month that has not begun (IST) is refused with 422 naming the latest valid ' +
      'period.',
  })
  @ValidateIf((o: SyncPeriodDto) => o.gst !== undefined)
  @CheckField(
    'syncRun.period.gst',
    stringRule((v) => (isGstPeriod(v) ? null : `must be ${GST_PERIOD}`), GST_PERIOD),
  )
  gst?: string;

  @ApiPropertyOptional({
    example: '2025-26',
    description:
      'Income Tax assessment year, YYYY-YY. Without it: the last completed assessment year. An assessment ' +
      'year whose financial year has not begun is refused with 422 naming the latest valid one.',
  })
  @ValidateIf((o: SyncPeriodDto) => o.itr !== undefined)
  @CheckField(
    'syncRun.period.itr',
    stringRule((v) => (isYearRange(v) ? null : `must be ${ASSESSMENT_YEAR}`), ASSESSMENT_YEAR),
  )
  itr?: string;
}

export class CreateSyncRunRequestDto {
  @ApiPropertyOptional({
    description:
      'Which clients: exactly one of `all`, `ids`, `tags` or `offices`. A run selects either `clients` ' +
      '(portal categories) or `links` (branch sync, `books.*` categories), never both.',
    oneOf: [
      { type: 'object', properties: { all: { type: 'boolean', enum: [true] } }, required: ['all'] },
      {
        type: 'object',
        properties: { ids: { type: 'array', items: { type: 'string', format: 'uuid' } } },
        required: ['ids'],
      },
      {
        type: 'object',
        properties: { tags: { type: 'array', items: { type: 'string' } } },
        required: ['tags'],
      },
      {
        type: 'object',
        properties: { offices: { type: 'array', items: { type: 'string' } } },
        required: ['offices'],
      },
    ],
    example: { tags: ['gst-monthly'] },
  })
  // Absent is fine when the run selects `links` (the `links` check says when both or neither are sent).
  @ValidateIf((o: CreateSyncRunRequestDto) => o.links === undefined || o.clients !== undefined)
  @IsDefined({
    message:
      'is required: one of { all: true }, { ids: [...] }, { tags: [...] }, { offices: [...] } ' +
      '(or send `links` instead to sync branch links with books.* categories)',
  })
  @CheckField('syncRun.clients', clientSelectionProblems)
  clients?: ClientSelection;

  @ApiPropertyOptional({
    description:
      'Branch sync: which branch links, `{ all: true }` or `{ ids: [...] }` (link ids). Only with `books.*` ' +
      'categories and without `period`; exactly one of `clients` or `links`.',
    oneOf: [
      { type: 'object', properties: { all: { type: 'boolean', enum: [true] } }, required: ['all'] },
      {
        type: 'object',
        properties: { ids: { type: 'array', items: { type: 'string', format: 'uuid' } } },
        required: ['ids'],
      },
    ],
    example: { all: true },
  })
  @ValidateIf((o: CreateSyncRunRequestDto) => o.links !== undefined)
  @CheckField('syncRun.links', linkSelectionProblems)
  links?: LinkSelection;

  @ApiProperty({
    type: [String],
    example: ['gst.gstr2b', 'itr.all'],
    description:
      `Categories from the catalogue, or the aliases ${CategoryAliases.join(', ')}; for a run over ` +
      `\`links\`: ${BooksSyncCategories.join(', ')}.`,
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'must list at least one category' })
  @ArrayMaxSize(ALLOWED_CATEGORIES.length * 2)
  @CheckField('syncRun.categories', runCategoriesProblems)
  categories!: string[];

  @ApiPropertyOptional({ type: SyncPeriodDto })
  @IsOptional()
  @IsObject()
  @CheckField('syncRun.period', runPeriodProblems)
  @ValidateNested()
  @Type(() => SyncPeriodDto)
  period?: SyncPeriodDto;
}
