import { ApiProperty } from '@nestjs/swagger';
import { CompanyRoles } from '@practice-sync/contracts';

export class CompanyResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f4-3333-7abc-8def-0123456789ab' })
  id!: string;

  @ApiProperty({ example: 'Sharma Steel - Pune Branch' })
  name!: string;

  @ApiProperty({ enum: CompanyRoles, example: 'branch' })
  role!: string;

  @ApiProperty({ example: 'http://192.168.1.20:9000' })
  booksUrl!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '0193a8f4-2222-7abc-8def-0123456789ab',
  })
  clientId!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class CompanyListResponseDto {
  @ApiProperty({ type: [CompanyResponseDto] })
  items!: CompanyResponseDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end.',
  })
  nextCursor!: string | null;
}
