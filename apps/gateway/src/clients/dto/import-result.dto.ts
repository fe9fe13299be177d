import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { FieldErrorDto } from '../../problems/problem.dto';

export const ImportRowStatuses = ['created', 'updated', 'error'] as const;
export type ImportRowStatus = (typeof ImportRowStatuses)[number];

export class ImportRowResultDto {
  @ApiProperty({
    example: 2,
    description: 'Line of the file where the row ends (the header is line 1, so the first client is line 2).',
  })
  row!: number;

  @ApiProperty({ enum: ImportRowStatuses, example: 'created' })
  status!: ImportRowStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'The client created or updated.' })
  id?: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Why the row was not imported, per column (`gstins[1]` is the second GSTIN of the cell).',
  })
  errors?: FieldErrorDto[];
}

class ImportTotalsDto {
  @ApiProperty({ example: 10_000 }) rows!: number;
  @ApiProperty({ example: 9_950 }) created!: number;
  @ApiProperty({ example: 30 }) updated!: number;
  @ApiProperty({ example: 20 }) error!: number;
}

export class ImportResultDto {
  @ApiProperty({ type: [ImportRowResultDto], description: 'One result per data row, in file order.' })
  items!: ImportRowResultDto[];

  @ApiProperty({ type: ImportTotalsDto })
  totals!: ImportTotalsDto;
}
