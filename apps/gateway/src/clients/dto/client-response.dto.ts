import { ApiProperty } from '@nestjs/swagger';

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

class SubjectDto {
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

  @ApiProperty({ enum: ['succeeded', 'no_change', 'failed', 'skipped', 'cancelled'], example: 'failed' })
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
