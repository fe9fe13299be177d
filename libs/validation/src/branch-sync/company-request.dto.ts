import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CompanyRole } from '@practice-sync/contracts';
import { CompanyRoles } from '@practice-sync/contracts';
import { Transform } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';

import { CheckField, stringRule } from '../field-check';
import { trimmed } from '../transforms';

export const MAX_BOOKS_URL = 2048;
const BOOKS_URL = 'an http(s) URL of the books server, e.g. http://192.168.1.20:9000';

/** Why `value` cannot be a company's books server address, or null. */
export function booksUrlProblem(value: string): string | null {
  if (value.length > MAX_BOOKS_URL) return `must be at most ${MAX_BOOKS_URL} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be ${BOOKS_URL}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be ${BOOKS_URL}`;
  // A user or password would be stored and shown with the company: books servers are reached without one.
  if (url.username || url.password) return 'must not contain a user name or password; remove them';
  return null;
}

const ROLE_MESSAGE = `must be one of ${CompanyRoles.join(', ')}`;
const CLIENT_ID_MESSAGE = "must be the id (UUID) of one of the firm's clients";
const booksUrlCheck = stringRule(booksUrlProblem, BOOKS_URL);

/** `POST /v1/companies`: one set of books at one location (the gateway and client-master check it alike). */
export class CreateCompanyRequestDto {
  @ApiProperty({ example: 'Sharma Steel - Pune Branch', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: CompanyRoles, example: 'branch' })
  @IsDefined({ message: `is required: ${ROLE_MESSAGE}` })
  @IsIn(CompanyRoles, { message: ROLE_MESSAGE })
  role!: CompanyRole;

  @ApiProperty({
    example: 'http://192.168.1.20:9000',
    maxLength: MAX_BOOKS_URL,
    description:
      "Where the company's books server (Tally's XML over HTTP, port 9000 by default) answers; http or https.",
  })
  @Transform(trimmed)
  @IsDefined({ message: `is required: ${BOOKS_URL}` })
  @CheckField('company.booksUrl', booksUrlCheck)
  booksUrl!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0193a8f4-2222-7abc-8def-0123456789ab',
    description: "The client these books belong to; absent for the firm's own books.",
  })
  @IsOptional()
  @IsUUID('all', { message: CLIENT_ID_MESSAGE })
  clientId?: string;
}

/** `PATCH /v1/companies/{id}`: any subset of the create body; `clientId: null` detaches it from its client. */
export class UpdateCompanyRequestDto {
  @ApiPropertyOptional({ example: 'Sharma Steel - Pune', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: CompanyRoles, example: 'head_office' })
  @IsOptional()
  @IsIn(CompanyRoles, { message: ROLE_MESSAGE })
  role?: CompanyRole;

  @ApiPropertyOptional({ example: 'https://books.sharma-steel.in:9000', maxLength: MAX_BOOKS_URL })
  @Transform(trimmed)
  @IsOptional()
  @CheckField('company.booksUrl', booksUrlCheck)
  booksUrl?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, example: null })
  @ValidateIf((o: UpdateCompanyRequestDto) => o.clientId !== undefined && o.clientId !== null)
  @IsUUID('all', { message: CLIENT_ID_MESSAGE })
  clientId?: string | null;
}
