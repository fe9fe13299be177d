import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
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
  ValidateNested,
} from 'class-validator';

import { CheckField, eachStringRule, stringRule } from '../../validation/field-check';
import type { ClientSelection } from './client-selection';
import { clientSelectionProblems } from './client-selection';

export const ALLOWED_CATEGORIES = [...Categories, ...CategoryAliases];

export const categoryProblem = (v: string): string | null =>
  isCategoryOrAlias(v) ? null : `unknown category "${v}"; use one of ${ALLOWED_CATEGORIES.join(', ')}`;

export class SyncPeriodDto {
  @ApiPropertyOptional({ example: '042025', description: 'GST return period, MMYYYY.' })
  @IsOptional()
  @CheckField(
    'syncRun.period.gst',
    stringRule((v) => (isGstPeriod(v) ? null : 'must be MMYYYY, e.g. 042025')),
  )
  gst?: string;

  @ApiPropertyOptional({ example: '2025-26', description: 'Income Tax assessment year, YYYY-YY.' })
  @IsOptional()
  @CheckField(
    'syncRun.period.itr',
    stringRule((v) => (isYearRange(v) ? null : 'must be YYYY-YY with consecutive years, e.g. 2025-26')),
  )
  itr?: string;
}

export class CreateSyncRunRequestDto {
  @ApiProperty({
    description: 'Which clients: exactly one of `all`, `ids`, `tags` or `offices`.',
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
  @IsDefined({
    message: 'is required: one of { all: true }, { ids: [...] }, { tags: [...] }, { offices: [...] }',
  })
  @CheckField('syncRun.clients', clientSelectionProblems)
  clients!: ClientSelection;

  @ApiProperty({
    type: [String],
    example: ['gst.gstr2b', 'itr.all'],
    description: `Categories from the catalogue, or the aliases ${CategoryAliases.join(', ')}.`,
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'must list at least one category' })
  @ArrayMaxSize(ALLOWED_CATEGORIES.length * 2)
  @CheckField('syncRun.categories', eachStringRule(categoryProblem))
  categories!: string[];

  @ApiPropertyOptional({ type: SyncPeriodDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SyncPeriodDto)
  period?: SyncPeriodDto;
}
