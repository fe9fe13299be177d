import { GSTIN_PATTERN, PAN_PATTERN, TAN_PATTERN } from '@practice-sync/contracts';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';

/** PATCH body: any subset of the Client's fields; `null` clears an optional identifier, office or file id. */
export class UpdateClientDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ValidateIf((_, v) => v !== undefined && v !== null)
  @Matches(PAN_PATTERN)
  pan?: string | null;

  @ValidateIf((_, v) => v !== undefined && v !== null)
  @Matches(TAN_PATTERN)
  tan?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(GSTIN_PATTERN, { each: true })
  gstins?: string[];

  @ValidateIf((_, v) => v !== undefined && v !== null)
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  esignClientFileId?: string | null;

  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsString()
  @Length(1, 100)
  office?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
}
