import { ApiPropertyOptional } from '@nestjs/swagger';
import { Categories, isGstPeriod, isYearRange } from '@practice-sync/contracts';
import { CheckField, stringRule } from '@practice-sync/validation';
import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export class ListRecordsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: Categories, example: 'gst.gstr2b', description: 'Only this category.' })
  @IsOptional()
  @IsIn(Categories, { message: `must be one of ${Categories.join(', ')}` })
  category?: string;

  @ApiPropertyOptional({
    example: '042025',
    description: 'Only this period: MMYYYY for GST, YYYY-YY for Income Tax.',
  })
  @IsOptional()
  @CheckField(
    'records.period',
    stringRule((v) =>
      isGstPeriod(v) || isYearRange(v) ? null : 'must be MMYYYY (GST) or YYYY-YY (Income Tax)',
    ),
  )
  period?: string;
}

export class ListChangesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2025-05-01T00:00:00Z',
    description: 'Only changes detected at or after this instant.',
  })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time, e.g. 2025-05-01T00:00:00Z' })
  since?: string;
}
