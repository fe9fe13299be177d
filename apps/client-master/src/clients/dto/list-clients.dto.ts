import { IsOptional, IsString, MaxLength } from 'class-validator';

import { PageQueryDto } from '../../common/page-query.dto';

export class ListClientsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  office?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
