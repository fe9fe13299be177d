import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { gstinProblem, isTan, panProblem } from '@practice-sync/contracts';
import type { FieldProblem } from '@practice-sync/validation';
import { CheckField, eachStringRule, stringRule } from '@practice-sync/validation';
import { identifier, identifierList, trimmed, trimmedList } from '@practice-sync/validation';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

export const ESIGN_FILE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const IDENTIFIER_KEYS = ['pan', 'tan', 'gstins', 'esignClientFileId'] as const;
const MISSING_IDENTIFIER = `at least one identifier is required: ${IDENTIFIER_KEYS.join(', ')}`;

function hasIdentifier(o: Partial<CreateClientRequestDto>): boolean {
  return (
    o.pan !== undefined ||
    o.tan !== undefined ||
    (Array.isArray(o.gstins) && o.gstins.length > 0) ||
    o.esignClientFileId !== undefined
  );
}

/** PAN is where a missing identifier is reported, since it is the one most clients have. */
function panOrMissingIdentifier(value: unknown): FieldProblem[] {
  if (value === undefined) return [{ path: '', message: MISSING_IDENTIFIER }];
  return stringRule(panProblem)(value, {});
}

export const tanProblem = (v: string): string | null =>
  isTan(v) ? null : 'must be 4 letters, 5 digits and a letter, e.g. MUMA12345B';

export class CreateClientRequestDto {
  @ApiProperty({ example: 'Reliance Traders Pvt Ltd', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    example: 'AAACR5055K',
    description: 'Permanent Account Number (upper-cased on input).',
  })
  @Transform(identifier)
  @ValidateIf((o: CreateClientRequestDto) => o.pan !== undefined || !hasIdentifier(o))
  @CheckField('client.pan', panOrMissingIdentifier)
  pan?: string;

  @ApiPropertyOptional({ example: 'MUMR12345B', description: 'Tax Deduction Account Number.' })
  @Transform(identifier)
  @IsOptional()
  @CheckField('client.tan', stringRule(tanProblem))
  tan?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['27AAACR5055K1Z5'],
    description: 'GSTINs of the client (each checked, including its check character).',
    maxItems: 50,
  })
  @Transform(identifierList)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @CheckField('client.gstins', eachStringRule(gstinProblem))
  gstins?: string[];

  @ApiPropertyOptional({ example: 'cf_reliance-2025', pattern: ESIGN_FILE_ID_PATTERN.source })
  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @Matches(ESIGN_FILE_ID_PATTERN, { message: 'must be 1-64 letters, digits, _ or -' })
  esignClientFileId?: string;

  @ApiPropertyOptional({ example: 'Mumbai', maxLength: 100 })
  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @Length(1, 100)
  office?: string;

  @ApiPropertyOptional({ type: [String], example: ['gst-monthly', 'audit'], maxItems: 50 })
  @Transform(trimmedList)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
}
