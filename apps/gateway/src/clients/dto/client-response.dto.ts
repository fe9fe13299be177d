import { ApiProperty } from '@nestjs/swagger';
import { JobOutcomes } from '@practice-sync/contracts';

export class ClientResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f4-2222-7abc-8def-0123456789ab' })
  id!: string;

  @ApiProperty({ example: 'Reliance Traders Pvt Ltd' })
  name!: string;

  @ApiProperty({ nullable: true, type: String, example: 'AAACR5055K' })
  pan!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  tan!: string | null;

  @ApiProperty({ type: [String], example: ['27AAACR5055K1Z5'] })
  gstins!: string[];

  @ApiProperty({ nullable: true, type: String, example: 'cf_reliance-2025' })
  esignClientFileId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Mumbai' })
  office!: string | null;

  @ApiProperty({ type: [String], example: ['gst-monthly'] })
  tags!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ClientListResponseDto {
  @ApiProperty({ type: [ClientResponseDto] })
  items!: ClientResponseDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end.',
  })
  nextCursor!: string | null;
}

export class SubjectDto {
  @ApiProperty({ enum: ['gstin', 'pan', 'esignClientFileId'], example: 'gstin' })
  kind!: string;

  @ApiProperty({ example: '27AAACR5055K1Z5' })
  value!: string;
}

export class StatusCellDto {
  @ApiProperty({ example: 'gst.gstr2b' })
  category!: string;

  @ApiProperty({ type: SubjectDto })
  subject!: SubjectDto;

  @ApiProperty({ nullable: true, type: String, example: '042025' })
  period!: string | null;

  @ApiProperty({
    enum: JobOutcomes,
    example: 'failed',
    description:
      '`no_data` is a completed fetch (the portal holds nothing for the period) and sets lastSuccessAt; ' +
      '`partial` is not (a part failed): lastSuccessAt stays at the last complete fetch.',
  })
  lastOutcome!: string;

  @ApiProperty({ nullable: true, type: String, example: 'not_generated_yet' })
  lastErrorCode!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'GSTR-2B for 042025 is not generated yet; try after the 14th.',
  })
  lastErrorMessage!: string | null;

  @ApiProperty({ format: 'uuid' })
  lastRunId!: string;

  @ApiProperty({ format: 'uuid' })
  lastJobId!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastSuccessAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ClientStatusResponseDto {
  @ApiProperty({ type: [StatusCellDto] })
  items!: StatusCellDto[];
}

export class ClientRecordDto {
  @ApiProperty({ example: 'gst.gstr2b' })
  category!: string;

  @ApiProperty({ type: SubjectDto })
  subject!: SubjectDto;

  @ApiProperty({ nullable: true, type: String, example: '042025' })
  period!: string | null;

  @ApiProperty({ example: '27AAACR5055K1Z7|INV-1042|2025-04-03', description: 'Stable key of the record.' })
  naturalKey!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { inum: 'INV-1042', val: 11800 },
    description: 'The record as the portal gave it.',
  })
  data!: Record<string, unknown>;

  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015' })
  hash!: string;

  @ApiProperty({ example: 2 })
  version!: number;

  @ApiProperty({ format: 'date-time' })
  firstSeenAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  removedAt!: string | null;
}

export class ClientRecordListResponseDto {
  @ApiProperty({ type: [ClientRecordDto] })
  items!: ClientRecordDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class ClientChangeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  runId!: string;

  @ApiProperty({ format: 'uuid' })
  jobId!: string;

  @ApiProperty({ example: 'itr.notices_orders' })
  category!: string;

  @ApiProperty({ type: SubjectDto })
  subject!: SubjectDto;

  @ApiProperty({ nullable: true, type: String, example: '2025-26' })
  period!: string | null;

  @ApiProperty({ example: 'AAACR5055K|NOTICE|CPC/2526/A1/123456' })
  naturalKey!: string;

  @ApiProperty({ enum: ['added', 'updated', 'removed'], example: 'added' })
  change!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class ClientChangeListResponseDto {
  @ApiProperty({ type: [ClientChangeDto] })
  items!: ClientChangeDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
