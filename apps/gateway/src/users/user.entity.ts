import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';

import type { ApiKeyRole } from '../auth/api-key';
import { FirmEntity } from '../firms/firm.entity';

/**
 * A person at a firm who signs in to the console. Roles are the API keys' vocabulary. `password_hash` (argon2id,
 * PHC string) is null until the invitation is accepted; only the SHA-256 of the invitation token is stored.
 */
@Entity({ name: 'users' })
@Unique('users_email_key', ['email'])
@Unique('users_invite_token_hash_key', ['inviteTokenHash'])
@Check('users_role_check', `role IN ('admin', 'operator', 'viewer')`)
@Index('users_firm', ['firmId'])
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @ManyToOne(() => FirmEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'users_firm_id_fkey' })
  firm?: FirmEntity;

  /** Lower-cased: one person, one sign-in, whatever the capitals. */
  @Column('text')
  email!: string;

  @Column('text')
  role!: ApiKeyRole;

  @Column('text', { name: 'password_hash', nullable: true })
  passwordHash!: string | null;

  @Column('text', { name: 'invite_token_hash', nullable: true })
  inviteTokenHash!: string | null;

  @Column('timestamptz', { name: 'invite_expires_at', nullable: true })
  inviteExpiresAt!: Date | null;

  /** Failed sign-ins since the last success or lock-out. */
  @Column('integer', { name: 'failed_sign_ins', default: 0 })
  failedSignIns!: number;

  @Column('timestamptz', { name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  /** Set while an admin has disabled the user: no sign-in, no session. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;

  @Column('timestamptz', { name: 'last_sign_in_at', nullable: true })
  lastSignInAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
