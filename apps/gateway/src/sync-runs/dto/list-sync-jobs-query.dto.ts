import { ApiPropertyOptional } from '@nestjs/swagger';
import type { JobOutcome } from '@practice-sync/contracts';
import { JobOutcomes } from '@practice-sync/contracts';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export class ListSyncJobsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: JobOutcomes, example: 'failed' })
  @IsOptional()
  @IsIn(JobOutcomes, { message: `must be one of ${JobOutcomes.join(', ')}` })
  outcome?: JobOutcome;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A branch sync run: the jobs of one link.' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a branch link id (UUID)' })
  linkId?: string;
}
