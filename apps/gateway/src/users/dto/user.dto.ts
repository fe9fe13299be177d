import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { trimmed } from '@practice-sync/validation';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';

import type { ApiKeyRole } from '../../auth/api-key';
import { ApiKeyRoles } from '../../auth/api-key';

/** NIST SP 800-63B: length, not composition rules; long passphrases allowed (argon2 has no 72-byte cap). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const UserStatuses = ['invited', 'active', 'locked', 'disabled'] as const;
export type UserStatus = (typeof UserStatuses)[number];

export class SignInRequestDto {
  @ApiProperty({ example: 'asha@sharma-associates.in' })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

export class InviteUserRequestDto {
  @ApiProperty({ example: 'ravi@sharma-associates.in' })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    enum: ApiKeyRoles,
    example: 'operator',
    description:
      'As for API keys: admin (everything), operator (start syncs, manage clients), viewer (read only).',
  })
  @IsDefined({ message: 'is required' })
  @IsIn(ApiKeyRoles, { message: `must be one of ${ApiKeyRoles.join(', ')}` })
  role!: ApiKeyRole;
}

export class AcceptInvitationRequestDto {
  @ApiProperty({ description: 'The invitation token the admin passed on.' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(20, 200)
  token!: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, {
    message: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters (a passphrase of a few words is good)`,
  })
  password!: string;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  firmId!: string;

  @ApiProperty({ example: 'ravi@sharma-associates.in' })
  email!: string;

  @ApiProperty({ enum: ApiKeyRoles, example: 'operator' })
  role!: ApiKeyRole;

  @ApiProperty({
    enum: UserStatuses,
    description:
      '`invited` until the password is set; `locked` while too many wrong passwords lock sign-in ' +
      '(`lockedUntil`; an admin may unlock); `disabled` while an admin has disabled the user.',
  })
  status!: UserStatus;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Null: never signed in.' })
  lastSignInAt!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lockedUntil!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'For an invited user: when the invitation stops working (then resend it).',
  })
  inviteExpiresAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class UpdateUserRequestDto {
  @ApiPropertyOptional({
    enum: ApiKeyRoles,
    example: 'viewer',
    description: 'The new role; applies at once.',
  })
  @IsOptional()
  @IsIn(ApiKeyRoles, { message: `must be one of ${ApiKeyRoles.join(', ')}` })
  role?: ApiKeyRole;

  @ApiPropertyOptional({
    example: true,
    description: "true: the user's sessions end and sign-in is refused; false: they may sign in again.",
  })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  disabled?: boolean;
}

export class InvitedUserResponseDto extends UserResponseDto {
  @ApiProperty({
    description:
      'Pass it to the person (e.g. as a console link); they set their password with it at ' +
      '`POST /v1/invitations/accept`. Shown only in this answer.',
  })
  inviteToken!: string;
}

export class UserListResponseDto {
  @ApiProperty({ type: [UserResponseDto] })
  items!: UserResponseDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class MeResponseDto {
  @ApiProperty({ enum: ['user', 'api-key'], description: 'Signed in as a person (session) or an API key.' })
  kind!: 'user' | 'api-key';

  @ApiProperty({ format: 'uuid' })
  firmId!: string;

  @ApiProperty({ example: 'Sharma & Associates' })
  firmName!: string;

  @ApiProperty({ enum: ApiKeyRoles, example: 'operator' })
  role!: ApiKeyRole;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The user (null for an API key).',
  })
  userId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'asha@sharma-associates.in' })
  email!: string | null;
}

export class SessionResponseDto {
  @ApiProperty({ type: MeResponseDto })
  me!: MeResponseDto;

  @ApiProperty({
    description:
      'Send it as `X-CSRF-Token` on every write made with the session cookie (also readable from the ' +
      '`ps_csrf` cookie).',
  })
  csrfToken!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
