import { ApiProperty } from '@nestjs/swagger';

export class ScheduleResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'GST monthly, 15th' })
  name!: string;

  @ApiProperty({
    enum: ['clients', 'links'],
    example: 'clients',
    description: 'What the schedule is over: clients (portal categories) or branch links (`books.*`).',
  })
  subjectKind!: 'clients' | 'links';

  @ApiProperty({
    type: 'object',
    nullable: true,
    example: { tags: ['gst-monthly'] },
    description: 'The client selection; null for a schedule over branch links.',
  })
  clients!: Record<string, unknown> | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    example: null,
    description: 'The branch link selection; null for a schedule over clients.',
  })
  links!: Record<string, unknown> | null;

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

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'The last tick that started no run, because the previous run of this schedule (or, over branch ' +
      'links, any run over one of its links) was still queued or running; null once a tick starts a run.',
  })
  skippedAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Why that tick started no run, naming the run still going.',
  })
  skipReason!: string | null;

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
