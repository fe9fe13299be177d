import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, Min, ValidateNested } from 'class-validator';

import { CreateClientDto } from './create-client.dto';

export class BulkClientRowDto {
  /** The caller's row number (the CSV line), echoed in the answer. */
  @IsInt()
  @Min(0)
  row!: number;

  @ValidateNested()
  @Type(() => CreateClientDto)
  client!: CreateClientDto;
}

export class BulkClientsDto {
  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => BulkClientRowDto)
  rows!: BulkClientRowDto[];
}

export interface BulkRowResult {
  row: number;
  status: 'created' | 'updated' | 'error';
  id?: string;
  errors?: { field: string; message: string }[];
}
