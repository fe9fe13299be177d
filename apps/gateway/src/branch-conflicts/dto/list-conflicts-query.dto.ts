import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export const ConflictStatusFilters = ['open', 'resolved', 'all'] as const;

export class ListConflictsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ConflictStatusFilters, default: 'open' })
  @IsOptional()
  @IsIn(ConflictStatusFilters, { message: 'must be one of open, resolved, all' })
  status?: (typeof ConflictStatusFilters)[number];
}
