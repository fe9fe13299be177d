import { ApiProperty } from '@nestjs/swagger';

export class ScheduleResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'GST monthly, 15th' })
  name!: string;

  @ApiProperty({ example: { tags: ['gst-monthly'] }, description: 'The client selection.' })
  clients!: Record<string, unknown>;

  @ApiProperty({ type: [String], example: ['gst.gstr2b'] })
  categories!: string[];

  @ApiProperty({ nullable: true, example: null, type: 'object', additionalProperties: { type: 'string' } })
  period!: Record<string, string> | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  every!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '0 6 15 * *' })
  cron!: string | null;

  @ApiProperty({
    example: 'Asia/Kolkata',
    description: 'IANA time zone the cron and calendar durations use.',
  })
  timezone!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  notBefore!: string | null;

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  lastRunId!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  nextRunAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ScheduleListResponseDto {
  @ApiProperty({ type: [ScheduleResponseDto] })
  items!: ScheduleResponseDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
