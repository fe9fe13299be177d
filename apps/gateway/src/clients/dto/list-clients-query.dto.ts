import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export class ListClientsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: 'gst-monthly', description: 'Only clients with this tag.' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  tag?: string;

  @ApiPropertyOptional({ example: 'Mumbai', description: 'Only clients of this office.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  office?: string;

  @ApiPropertyOptional({ example: 'reliance', description: 'Name contains, or exact PAN / TAN / GSTIN.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;
}
