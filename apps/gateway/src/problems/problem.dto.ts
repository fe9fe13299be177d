import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError, Problem } from '@practice-sync/problems';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'gstins[0]' })
  field!: string;

  @ApiProperty({ example: 'check character is wrong (expected 5 for 27AAACR5055K1Z)' })
  message!: string;
}

/** RFC 9457 problem details: the swagger face of the lib's `Problem` (the lib's `ProblemFilter` writes the body). */
export class ProblemDto implements Problem {
  @ApiProperty({ example: 'https://practice-sync.dev/problems/validation-error' })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'gstins[0]: check character is wrong (expected 5 for 27AAACR5055K1Z)' })
  detail!: string;

  @ApiProperty({ example: '/v1/clients' })
  instance!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ description: 'Only on 500: quote it to support.', format: 'uuid' })
  errorId?: string;
}
