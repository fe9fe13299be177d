import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Length, Matches } from 'class-validator';

import { trimmed } from '../transforms';

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

/**
 * The e-filing portal sends the taxpayer an OTP only when asked: post without `otp` to ask, then post the OTP
 * the taxpayer received to record the consent.
 */
export class ConsentRequestDto {
  @ApiPropertyOptional({
    example: '575757',
    pattern: '^[0-9]{6}$',
    description: 'The 6-digit OTP the taxpayer received. Leave it out to ask the portal to send one.',
  })
  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'must be 6 digits' })
  otp?: string;

  @ApiPropertyOptional({
    example: '1984-03-27',
    description: "The taxpayer's date of birth or incorporation (YYYY-MM-DD), when the portal asks for it.",
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, { message: 'must be a date YYYY-MM-DD' })
  dob?: string;
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
