import { ApiProperty } from '@nestjs/swagger';
import { NoticeCategories, NoticeStatuses } from '@practice-sync/contracts';

import { SubjectDto } from '../../clients/dto/client-response.dto';
import { NOTICE_PORTALS } from './list-notices-query.dto';

export class NoticeClientDto {
  @ApiProperty({ format: 'uuid', example: '019a3c5e-7d7a-7b3e-9d1c-3f2a1b4c5d6e' })
  id!: string;

  @ApiProperty({ example: 'Reliance Traders Pvt Ltd' })
  name!: string;
}

export class NoticeDatesDto {
  @ApiProperty({ nullable: true, type: String, example: '30-05-2026' })
  dueDate!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '30-04-2026' })
  issuedOn!: string | null;
}

export class NoticeSourceDto {
  @ApiProperty({ enum: NOTICE_PORTALS, example: 'gst' })
  portal!: string;

  @ApiProperty({ enum: NoticeCategories, example: 'gst.notices_return_register' })
  category!: string;

  @ApiProperty({ type: SubjectDto, description: 'The GSTIN or PAN whose portal account holds the notice.' })
  subject!: SubjectDto;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '042026',
    description: 'The period of the sync that first found it (a notice belongs to no one period).',
  })
  firstPeriod!: string | null;

  @ApiProperty({
    example: '27AAACR5055K1Z5|notice|ZD270426000123X',
    description:
      "Its key among the client's records (`GET /v1/clients/{id}/records`), as the portal gave it.",
  })
  naturalKey!: string;
}

export class NoticeResponseDto {
  @ApiProperty({ format: 'uuid', example: '019a3c60-1f2e-7c4d-8e5f-6a7b8c9d0e1f' })
  id!: string;

  @ApiProperty({ type: NoticeClientDto })
  client!: NoticeClientDto;

  @ApiProperty({
    example: 'ZD270426000123X',
    description: "The portal's id: the ARN of a GST notice, the proceeding id of an Income Tax proceeding.",
  })
  noticeId!: string;

  @ApiProperty({ nullable: true, type: String, example: 'ASMT-10', description: 'Notice type or section.' })
  section!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Notice for intimating discrepancies in the return',
  })
  description!: string | null;

  @ApiProperty({
    enum: NoticeStatuses,
    example: 'open',
    description: '`open`: a reply is awaited; `replied`: answered, not closed yet; `closed`.',
  })
  status!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Open',
    description: 'The status as the portal words it.',
  })
  portalStatus!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date', example: '2026-04-30' })
  issuedOn!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date',
    example: '2026-05-30',
    description: 'Date a reply is due; null when the portal gives none or a date that cannot be read.',
  })
  dueDate!: string | null;

  @ApiProperty({ type: NoticeDatesDto, description: 'The dates exactly as the portal wrote them.' })
  portalDates!: NoticeDatesDto;

  @ApiProperty({ type: NoticeSourceDto, description: 'Where it came from.' })
  source!: NoticeSourceDto;

  @ApiProperty({ format: 'date-time', example: '2026-05-02T06:30:00.000Z' })
  firstSeenAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-05-20T06:30:00.000Z' })
  updatedAt!: string;
}

export class NoticeListResponseDto {
  @ApiProperty({ type: [NoticeResponseDto] })
  items!: NoticeResponseDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
