import { ApiProperty } from '@nestjs/swagger';
import { trimmed } from '@practice-sync/validation';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, Length } from 'class-validator';

export class CreateFirmRequestDto {
  @ApiProperty({ example: 'Sharma & Associates', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class FirmResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f2-7c1e-7b4a-9d2e-5f6a7b8c9d0e' })
  id!: string;

  @ApiProperty({ example: 'Sharma & Associates' })
  name!: string;
}
