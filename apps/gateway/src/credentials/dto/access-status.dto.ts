import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Portals } from '@practice-sync/contracts';
import { IsIn, IsOptional } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export const AccessStatuses = ['ok', 'otp_required', 'expiring', 'failed'] as const;
export type AccessStatus = (typeof AccessStatuses)[number];

export class AccessStatusDto {
  @ApiProperty({ enum: Portals, example: 'gst' })
  portal!: string;

  @ApiProperty({
    example: '27AAACR5055K1Z7',
    description: 'GSTIN (gst), PAN or the intermediary user (itr), or the firm account (esign).',
  })
  identifier!: string;

  @ApiProperty({ enum: AccessStatuses, example: 'otp_required' })
  status!: AccessStatus;

  @ApiProperty({ nullable: true, type: String, example: 'The GST session expired; enter a new OTP.' })
  detail!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  expiresAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
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
}
