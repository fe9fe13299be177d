import { ApiPropertyOptional } from '@nestjs/swagger';
import { gstinProblem, panProblem } from '@practice-sync/contracts';
import { CheckField, eachStringRule, stringRule } from '@practice-sync/validation';
import { identifier, identifierList, trimmed, trimmedList } from '@practice-sync/validation';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

import { ESIGN_FILE_ID_PATTERN, tanProblem } from './create-client-request.dto';

/** Present and not an explicit `null` (which clears an optional field). */
const given = (key: keyof UpdateClientRequestDto) => (o: UpdateClientRequestDto) =>
  o[key] !== undefined && o[key] !== null;

/**
 * A partial update: only the fields sent change; `null` clears an optional field. The same rules as creation
 * apply to every value sent (client-master refuses an update that would leave a client without identifiers).
 */
export class UpdateClientRequestDto {
  @ApiPropertyOptional({ example: 'Reliance Traders Pvt Ltd', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'AAACR5055K', nullable: true, type: String })
  @Transform(identifier)
  @ValidateIf(given('pan'))
  @CheckField('clientUpdate.pan', stringRule(panProblem))
  pan?: string | null;

  @ApiPropertyOptional({ example: 'MUMR12345B', nullable: true, type: String })
  @Transform(identifier)
  @ValidateIf(given('tan'))
  @CheckField('clientUpdate.tan', stringRule(tanProblem))
  tan?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['27AAACR5055K1Z7'], maxItems: 50 })
  @Transform(identifierList)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @CheckField('clientUpdate.gstins', eachStringRule(gstinProblem))
  gstins?: string[];

  @ApiPropertyOptional({
    example: 'cf_reliance-2025',
    nullable: true,
    type: String,
    pattern: ESIGN_FILE_ID_PATTERN.source,
  })
  @Transform(trimmed)
  @ValidateIf(given('esignClientFileId'))
  @IsString()
  @Matches(ESIGN_FILE_ID_PATTERN, { message: 'must be 1-64 letters, digits, _ or -' })
  esignClientFileId?: string | null;

  @ApiPropertyOptional({ example: 'Pune', nullable: true, type: String, maxLength: 100 })
  @Transform(trimmed)
  @ValidateIf(given('office'))
  @IsString()
  @Length(1, 100)
  office?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['gst-quarterly'], maxItems: 50 })
  @Transform(trimmedList)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
}
