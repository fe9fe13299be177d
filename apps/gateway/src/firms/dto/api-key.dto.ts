import { ApiProperty } from '@nestjs/swagger';
import { trimmed } from '@practice-sync/validation';
import { Transform } from 'class-transformer';
import { IsDefined, IsIn, IsString, Length } from 'class-validator';

import type { ApiKeyRole } from '../../auth/api-key';
import { ApiKeyRoles } from '../../auth/api-key';

export class CreateApiKeyRequestDto {
  @ApiProperty({ example: 'ci-pipeline', description: 'What the key is for, to recognise it later.' })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    enum: ApiKeyRoles,
    example: 'operator',
    description:
      'admin: everything incl. keys and deleting clients; operator: start syncs, manage clients, schedules ' +
      'and portal credentials; viewer: read only.',
  })
  @IsDefined({ message: 'is required' })
  @IsIn(ApiKeyRoles, { message: `must be one of ${ApiKeyRoles.join(', ')}` })
  role!: ApiKeyRole;
}

export class CreatedApiKeyResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f3-1111-7abc-8def-0123456789ab' })
  id!: string;

  @ApiProperty({
    example: 'psk_3f9a0c1b2d4e_Jx8...redacted',
    description: 'The secret key. Shown only in this answer; store it now.',
  })
  key!: string;

  @ApiProperty({ enum: ApiKeyRoles, example: 'operator' })
  role!: ApiKeyRole;
}

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ci-pipeline' })
  name!: string;

  @ApiProperty({ enum: ApiKeyRoles, example: 'operator' })
  role!: ApiKeyRole;

  @ApiProperty({
    example: 'psk_3f9a0c1b2d4e',
    description: 'The public part of the key, to tell keys apart.',
  })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt!: string | null;
}

export class ApiKeyListResponseDto {
  @ApiProperty({ type: [ApiKeyResponseDto] })
  items!: ApiKeyResponseDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
