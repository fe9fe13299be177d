import type { OnModuleInit } from '@nestjs/common';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { returnedRows } from '@practice-sync/persistence';
import {
  ConflictProblem,
  DomainException,
  NotFoundProblem,
  ValidationProblem,
} from '@practice-sync/problems';
import { isUUID } from 'class-validator';
import { DataSource, IsNull, LessThan, MoreThan, QueryFailedError, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { ApiKeyRole } from '../auth/api-key';
import type { FirmPrincipal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { FirmEntity } from '../firms/firm.entity';
import type {
  InvitedUserResponseDto,
  MeResponseDto,
  UserListResponseDto,
  UserResponseDto,
} from './dto/user.dto';
import { secondsLocked } from './lockout';
import { PasswordHasher } from './password-hasher';
import { newToken, normaliseEmail, tokenHash } from './secrets';
import { SessionEntity } from './session.entity';
import { UserEntity } from './user.entity';

export interface SignedIn {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  me: MeResponseDto;
}

/** Users of a firm: invitations, passwords, sign-in with lock-out, sessions. */
@Injectable()
export class UsersService implements OnModuleInit {
  /** Verified against when the email is unknown, so timing does not tell which emails have accounts. */
  private decoyHash = '';

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectRepository(FirmEntity) private readonly firms: Repository<FirmEntity>,
    private readonly hasher: PasswordHasher,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    this.decoyHash = await this.hasher.hash(newToken());
  }

  async invite(
    firmId: string,
    email: string,
    role: ApiKeyRole,
    now = new Date(),
  ): Promise<InvitedUserResponseDto> {
    const inviteToken = newToken();
    const entity = this.users.create({
      id: uuidv7(),
      firmId,
      email: normaliseEmail(email),
      role,
      passwordHash: null,
      inviteTokenHash: tokenHash(inviteToken),
      inviteExpiresAt: new Date(now.getTime() + this.config.INVITE_TTL_HOURS * 3_600_000),
      failedSignIns: 0,
      lockedUntil: null,
      disabledAt: null,
      lastSignInAt: null,
      createdAt: now,
    });
    try {
      await this.users.insert(entity);
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ConflictProblem(`There is already a user with the email ${entity.email}.`);
      throw e;
    }
    return { ...describe(entity, now), inviteToken, inviteExpiresAt: entity.inviteExpiresAt!.toISOString() };
  }

  /** Keyset pages by id (UUIDv7, so oldest first). */
  async list(firmId: string, limit = 50, cursor?: string): Promise<UserListResponseDto> {
    if (cursor !== undefined && !isUUID(cursor)) {
      throw new ValidationProblem([{ field: 'cursor', message: 'is not a cursor this list gave out' }]);
    }
    const rows = await this.users.find({
      where: { firmId, ...(cursor ? { id: MoreThan(cursor) } : {}) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const now = new Date();
    return {
      items: page.map((u) => describe(u, now)),
      nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    };
  }

  /** Sets the password of an invited user; the token works once, until it expires. */
  async acceptInvitation(token: string, password: string, now = new Date()): Promise<UserResponseDto> {
    const user = await this.users.findOneBy({
      inviteTokenHash: tokenHash(token),
      inviteExpiresAt: MoreThan(now),
    });
    if (!user) {
      throw new NotFoundProblem(
        'This invitation is unknown, already used or expired; ask an admin of your firm for a new one.',
        'Invitation not found',
      );
    }
    const passwordHash = await this.hasher.hash(password);
    // Conditional on the token still being there: two concurrent accepts set the password once.
    const result = await this.users.update(
      { id: user.id, inviteTokenHash: user.inviteTokenHash! },
      { passwordHash, inviteTokenHash: null, inviteExpiresAt: null, failedSignIns: 0, lockedUntil: null },
    );
    if (!result.affected) throw new ConflictProblem('This invitation was accepted a moment ago.');
    return describe({ ...user, passwordHash, failedSignIns: 0, lockedUntil: null }, now);
  }

  /**
   * Email + password → a new session. Wrong password or unknown email: the same 401. SIGN_IN_MAX_FAILURES
   * failures in a row lock the user for SIGN_IN_LOCKOUT_SECONDS (429 with Retry-After), even for the right
   * password; the count is kept in one atomic UPDATE, so parallel guesses cannot slip past it.
   */
  async signIn(email: string, password: string, now = new Date()): Promise<SignedIn> {
    const user = await this.users.findOneBy({ email: normaliseEmail(email) });
    if (!user?.passwordHash) {
      await this.hasher.verify(this.decoyHash, password);
      throw badCredentials();
    }
    const wait = secondsLocked(user, now);
    if (wait > 0) throw lockedOut(wait);
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      const lockedFor = await this.recordFailure(user.id, now);
      throw lockedFor > 0 ? lockedOut(lockedFor) : badCredentials();
    }
    if (user.disabledAt) throw disabled();
    await this.users.update({ id: user.id }, { failedSignIns: 0, lockedUntil: null, lastSignInAt: now });
    await this.rehashIfOutdated(user, password);
    return this.openSession(user, now);
  }

  /**
   * A hash made with other argon2 parameters than today's (an older default, or PASSWORD_HASH_* changed) is
   * replaced while the password is at hand; conditional on the old hash, so a password set meanwhile wins.
   */
  private async rehashIfOutdated(user: UserEntity, password: string): Promise<void> {
    const old = user.passwordHash;
    if (!old || !this.hasher.needsRehash(old)) return;
    await this.users.update(
      { id: user.id, passwordHash: old },
      { passwordHash: await this.hasher.hash(password) },
    );
  }

  /** Changes a user's role (applies to their open sessions at once), or disables / enables them. */
  async update(
    firmId: string,
    userId: string,
    change: { role?: ApiKeyRole; disabled?: boolean },
    caller: FirmPrincipal | null,
    now = new Date(),
  ): Promise<UserResponseDto> {
    if (change.role === undefined && change.disabled === undefined) {
      throw new ValidationProblem([
        { field: 'role', message: 'send role, disabled, or both' },
        { field: 'disabled', message: 'send role, disabled, or both' },
      ]);
    }
    const user = await this.userOf(firmId, userId);
    if (caller?.userId === user.id && (change.disabled || (change.role && change.role !== user.role))) {
      throw new ConflictProblem(
        'You cannot change your own role or disable yourself; ask another admin of your firm.',
      );
    }
    const patch: Partial<UserEntity> = {};
    if (change.role !== undefined) patch.role = change.role;
    if (change.disabled !== undefined) patch.disabledAt = change.disabled ? (user.disabledAt ?? now) : null;
    await this.dataSource.transaction(async (tx) => {
      await tx.update(UserEntity, { id: user.id }, patch);
      if (change.disabled) await tx.delete(SessionEntity, { userId: user.id });
    });
    return describe({ ...user, ...patch }, now);
  }

  /** Lifts a lock-out before it ends (the person is known, e.g. they called the admin). */
  async unlock(firmId: string, userId: string, now = new Date()): Promise<UserResponseDto> {
    const user = await this.userOf(firmId, userId);
    await this.users.update({ id: user.id }, { failedSignIns: 0, lockedUntil: null });
    return describe({ ...user, failedSignIns: 0, lockedUntil: null }, now);
  }

  /** A new invitation token for a user who has not set a password; the earlier token stops working. */
  async resendInvitation(firmId: string, userId: string, now = new Date()): Promise<InvitedUserResponseDto> {
    const user = await this.userOf(firmId, userId);
    if (user.passwordHash) {
      throw new ConflictProblem(
        `${user.email} has already set a password; there is no invitation to resend.`,
      );
    }
    const inviteToken = newToken();
    const inviteExpiresAt = new Date(now.getTime() + this.config.INVITE_TTL_HOURS * 3_600_000);
    const result = await this.users.update(
      { id: user.id, passwordHash: IsNull() },
      { inviteTokenHash: tokenHash(inviteToken), inviteExpiresAt },
    );
    if (!result.affected) throw new ConflictProblem(`${user.email} set a password a moment ago.`);
    return {
      ...describe({ ...user, inviteExpiresAt }, now),
      inviteToken,
      inviteExpiresAt: inviteExpiresAt.toISOString(),
    };
  }

  private async userOf(firmId: string, userId: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id: userId, firmId });
    if (!user) throw new NotFoundProblem(`The firm has no user ${userId}.`, 'User not found');
    return user;
  }

  async signOut(sessionId: string): Promise<void> {
    await this.sessions.delete({ id: sessionId });
  }

  async me(principal: FirmPrincipal): Promise<MeResponseDto> {
    const firm = await this.firms.findOneBy({ id: principal.firmId });
    const user = principal.userId ? await this.users.findOneBy({ id: principal.userId }) : null;
    return {
      kind: principal.userId ? 'user' : 'api-key',
      firmId: principal.firmId,
      firmName: firm?.name ?? '',
      role: principal.role,
      userId: user?.id ?? null,
      email: user?.email ?? null,
    };
  }

  /**
   * One more failure, counted in one statement (parallel guesses each count); answers how many seconds the user
   * is locked for (0: not locked). A failure while a parallel guess has just locked the user counts no further.
   */
  private async recordFailure(userId: string, now: Date): Promise<number> {
    const max = this.config.SIGN_IN_MAX_FAILURES;
    const lockUntil = new Date(now.getTime() + this.config.SIGN_IN_LOCKOUT_SECONDS * 1000);
    const rows = returnedRows<{ locked_until: Date | null }>(
      await this.dataSource.query(
        `UPDATE users
            SET failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= $2 THEN 0 ELSE failed_sign_ins + 1 END,
                locked_until    = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3::timestamptz ELSE NULL END
          WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $4)
          RETURNING locked_until`,
        [userId, max, lockUntil, now],
      ),
    );
    const lockedUntil = rows.length
      ? rows[0].locked_until
      : ((await this.users.findOneBy({ id: userId }))?.lockedUntil ?? null);
    return secondsLocked({ failedSignIns: 0, lockedUntil: lockedUntil ? new Date(lockedUntil) : null }, now);
  }

  private async openSession(user: UserEntity, now: Date): Promise<SignedIn> {
    const sessionToken = newToken();
    const csrfToken = newToken();
    const expiresAt = new Date(now.getTime() + this.config.SESSION_TTL_HOURS * 3_600_000);
    // Ended sessions of this user go when they sign in again; the table does not grow with every sign-in.
    await this.sessions.delete({ userId: user.id, expiresAt: LessThan(now) });
    await this.sessions.insert({
      id: uuidv7(),
      userId: user.id,
      tokenHash: tokenHash(sessionToken),
      csrfHash: tokenHash(csrfToken),
      createdAt: now,
      expiresAt,
    });
    const me = await this.me({
      kind: 'firm',
      firmId: user.firmId,
      role: user.role,
      keyId: '',
      userId: user.id,
    });
    return { sessionToken, csrfToken, expiresAt, me };
  }
}

function describe(u: UserEntity, now = new Date()): UserResponseDto {
  const locked = secondsLocked(u, now) > 0;
  return {
    id: u.id,
    firmId: u.firmId,
    email: u.email,
    role: u.role,
    status: u.disabledAt ? 'disabled' : !u.passwordHash ? 'invited' : locked ? 'locked' : 'active',
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    lockedUntil: locked ? u.lockedUntil!.toISOString() : null,
    inviteExpiresAt: u.passwordHash ? null : (u.inviteExpiresAt?.toISOString() ?? null),
    createdAt: u.createdAt.toISOString(),
  };
}

function disabled(): DomainException<string> {
  return new DomainException<string>({
    code: 'user-disabled',
    status: HttpStatus.FORBIDDEN,
    title: 'User disabled',
    detail: 'An admin of your firm has disabled your sign-in; ask them to enable it again.',
  });
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505';
}

function badCredentials(): DomainException<string> {
  return new DomainException<string>({
    code: 'sign-in-failed',
    status: HttpStatus.UNAUTHORIZED,
    title: 'Wrong email or password',
    detail: 'The email or the password is wrong. Repeated failures lock the account for a while.',
  });
}

function lockedOut(seconds: number): DomainException<string> {
  const minutes = Math.ceil(seconds / 60);
  return new DomainException<string>({
    code: 'sign-in-locked',
    status: HttpStatus.TOO_MANY_REQUESTS,
    title: 'Too many failed sign-ins',
    detail:
      `This account is locked after too many wrong passwords; try again in ${minutes} minute${minutes === 1 ? '' : 's'}, ` +
      'or ask an admin of your firm.',
    headers: { 'Retry-After': String(seconds) },
  });
}
