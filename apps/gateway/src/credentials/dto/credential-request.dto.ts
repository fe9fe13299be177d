import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, Length, Matches } from 'class-validator';

import { trimmed } from '../../validation/transforms';

export class GstCredentialRequestDto {
  @ApiProperty({ example: 'reliance_gst', description: "The taxpayer's GST portal username for this GSTIN." })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 100)
  username!: string;
}

export class OtpRequestDto {
  @ApiProperty({ example: '575757', pattern: '^[0-9]{6}$', description: 'The 6-digit OTP the portal sent.' })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'must be 6 digits' })
  otp!: string;
}

export class ItrCredentialRequestDto {
  @ApiProperty({ example: 'ERI-CLIENT-00042', description: "The firm's e-filing intermediary client id." })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 200)
  clientId!: string;

  @ApiProperty({ example: 's3cr3t-value', description: 'Its client secret (stored encrypted, never shown).' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 500)
  clientSecret!: string;

  @ApiProperty({ example: 'ERIP001234', description: "The intermediary's e-filing user id." })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 200)
  userId!: string;

  @ApiProperty({ example: 'correct-horse', description: 'Its password (stored encrypted, never shown).' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 500)
  password!: string;
}

export class EsignCredentialRequestDto {
  @ApiProperty({
    example: 'esk_live_4f8a...',
    description: "The firm's e-sign portal API key (stored encrypted).",
  })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(8, 500)
  apiKey!: string;
}
