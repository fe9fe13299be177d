import { GSTIN_PATTERN, PAN_PATTERN, TAN_PATTERN } from '@practice-sync/contracts';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/**
 * The gateway validated this body fully (check digits, at least one identifier); here only the shape is
 * re-checked, so a bad internal caller cannot store garbage.
 */
export class CreateClientDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsOptional()
  @Matches(PAN_PATTERN)
  pan?: string;

  @IsOptional()
  @Matches(TAN_PATTERN)
  tan?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(GSTIN_PATTERN, { each: true })
  gstins?: string[];

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  esignClientFileId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  office?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
}
