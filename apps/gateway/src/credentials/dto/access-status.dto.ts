import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Portals } from '@practice-sync/contracts';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

/** `missing`: nothing is stored for the identifier (or for the firm account it needs). */
export const AccessStatuses = ['ok', 'otp_required', 'expiring', 'failed', 'missing'] as const;
export type AccessStatus = (typeof AccessStatuses)[number];

export class AccessStatusDto {
  @ApiProperty({ enum: Portals, example: 'gst' })
  portal!: string;

  @ApiProperty({
    example: '27AAACR5055K1Z7',
    description: 'GSTIN (gst), PAN or the intermediary user (itr), or the firm account (esign).',
  })
  identifier!: string;

  @ApiProperty({ enum: AccessStatuses, example: 'missing' })
  status!: AccessStatus;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'consent_required',
    description:
      'The failure code a sync job of this identifier ends with now (`credentials_missing`, ' +
      '`consent_required`, `otp_required`, `auth_failed`); null when access is in place.',
  })
  errorCode!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example:
      'the taxpayer AAAPA1234A has not given consent: POST /v1/credentials/itr/AAAPA1234A/consent with {} to ' +
      'have the portal send them the e-filing OTP, then ask the taxpayer for it and POST it as { "otp": "…" }',
    description: 'What is wrong and the step that puts it right.',
  })
  detail!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Rao Textiles Pvt Ltd',
    description: 'For a missing identifier: a client that has it.',
  })
  clientName!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  expiresAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Null when nothing is stored.',
  })
  updatedAt!: string | null;
}

export class AccessStatusListResponseDto {
  @ApiProperty({ type: [AccessStatusDto] })
  items!: AccessStatusDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class ListCredentialsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: AccessStatuses, example: 'otp_required', description: 'Only this health.' })
  @IsOptional()
  @IsIn(AccessStatuses, { message: `must be one of ${AccessStatuses.join(', ')}` })
  status?: AccessStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "Only what this client's syncs depend on: its GSTINs, its PAN and the firm's e-filing account, its e-sign " +
      "client file and the firm's e-sign account. A client of another firm is a 404.",
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a client id (a UUID)' })
  clientId?: string;

  @ApiPropertyOptional({
    enum: ['accounts'],
    description:
      '`accounts`: only the firm-wide accounts (the e-filing intermediary (ERI) account under `itr`, the e-sign ' +
      'account under `esign`, identifier `account`), each listed whether stored (its health) or not (`missing`).',
  })
  @IsOptional()
  @IsIn(['accounts'], { message: 'must be accounts' })
  scope?: 'accounts';
}
