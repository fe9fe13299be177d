import { ApiPropertyOptional } from '@nestjs/swagger';
import type { NoticeStatus } from '@practice-sync/contracts';
import {
  ISO_DATE_PATTERN,
  NoticeCategories,
  NoticeStatuses,
  portalOf,
  toIsoDate,
} from '@practice-sync/contracts';
import { CheckField, stringRule } from '@practice-sync/validation';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export const NOTICE_PORTALS = [...new Set(NoticeCategories.map(portalOf))];

export class ListNoticesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this client's notices." })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  clientId?: string;

  @ApiPropertyOptional({ enum: NOTICE_PORTALS, example: 'gst', description: "Only this portal's notices." })
  @IsOptional()
  @IsIn(NOTICE_PORTALS, { message: `must be one of ${NOTICE_PORTALS.join(', ')}` })
  portal?: string;

  @ApiPropertyOptional({
    enum: NoticeCategories,
    example: 'gst.notices_return_register',
    description: 'Only notices of this category.',
  })
  @IsOptional()
  @IsIn(NoticeCategories, { message: `must be one of ${NoticeCategories.join(', ')}` })
  category?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-06-30',
    description: 'Only notices due before this date (not on it); notices without a due date are left out.',
  })
  @IsOptional()
  @CheckField(
    'notices.dueBefore',
    stringRule((v) =>
      ISO_DATE_PATTERN.test(v) && toIsoDate(v) === v ? null : 'must be a date YYYY-MM-DD, e.g. 2026-06-30',
    ),
  )
  dueBefore?: string;

  @ApiPropertyOptional({
    enum: NoticeStatuses,
    example: 'open',
    description:
      'Only this status: `open` (a reply is awaited), `replied` (answered, not closed yet), `closed`. ' +
      'By default every notice that is not closed.',
  })
  @IsOptional()
  @IsIn(NoticeStatuses, { message: `must be one of ${NoticeStatuses.join(', ')}` })
  status?: NoticeStatus;
}
