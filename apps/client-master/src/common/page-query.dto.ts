import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { MAX_LIMIT } from './cursor';

/** `?limit=&cursor=` of every list (DESIGN.md: lists answer `{ items, nextCursor }`); lists extend it. */
export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** `{ selection }` of the internal selection endpoints (clients, branch links); each feature parses it. */
export class SelectionRequestDto {
  @IsObject()
  selection!: Record<string, unknown>;
}

/** `{ selection, limit, cursor }`: a page of what a selection selects (the orchestrator pages through it). */
export class SelectionPageRequestDto extends PageQueryDto {
  @IsObject()
  selection!: Record<string, unknown>;
}
