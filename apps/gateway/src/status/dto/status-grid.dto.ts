import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Categories, JobOutcomes } from '@practice-sync/contracts';
import { IsIn, IsOptional } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export class StatusGridQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: Categories, example: 'gst.gstr2b', description: 'Only this category.' })
  @IsOptional()
  @IsIn(Categories, { message: `must be one of ${Categories.join(', ')}` })
  category?: string;

  @ApiPropertyOptional({
    enum: JobOutcomes,
    example: 'failed',
    description: 'Only cells whose latest outcome is this.',
  })
  @IsOptional()
  @IsIn(JobOutcomes, { message: `must be one of ${JobOutcomes.join(', ')}` })
  outcome?: string;
}

class GridSubjectDto {
  @ApiProperty({ enum: ['gstin', 'pan', 'esignClientFileId'], example: 'gstin' })
  kind!: string;

  @ApiProperty({ example: '27AAACR5055K1Z7' })
  value!: string;
}

export class StatusGridCellDto {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ example: 'Reliance Traders Pvt Ltd' })
  clientName!: string;

  @ApiProperty({ enum: Categories, example: 'gst.gstr2b' })
  category!: string;

  @ApiProperty({ type: GridSubjectDto })
  subject!: GridSubjectDto;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '042025',
    description: 'Period of the latest result.',
  })
  period!: string | null;

  @ApiProperty({ enum: JobOutcomes, example: 'failed' })
  lastOutcome!: string;

  @ApiProperty({ nullable: true, type: String, example: 'otp_required' })
  lastErrorCode!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'The GST session expired; enter a new OTP.' })
  lastErrorMessage!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'The last success of this client, category and identifier, whatever the period.',
  })
  lastSuccessAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  lastFinishedAt!: string;

  @ApiProperty({ format: 'uuid' })
  lastRunId!: string;

  @ApiProperty({ format: 'uuid' })
  lastJobId!: string;
}

export class StatusGridResponseDto {
  @ApiProperty({ type: [StatusGridCellDto] })
  items!: StatusGridCellDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
