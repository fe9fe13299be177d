import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';

import type { ApiKeyRole } from '../auth/api-key';
import { FirmEntity } from './firm.entity';

/** A firm's API key. Only the SHA-256 of the key is stored; `prefix` finds the row. */
@Entity({ name: 'api_keys' })
@Unique('api_keys_key_hash_key', ['keyHash'])
@Check('api_keys_role_check', `role IN ('admin', 'operator', 'viewer')`)
@Index('api_keys_active_prefix', ['prefix'], { where: 'revoked_at IS NULL' })
@Index('api_keys_firm', ['firmId'])
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @ManyToOne(() => FirmEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'api_keys_firm_id_fkey' })
  firm?: FirmEntity;

  @Column('text')
  name!: string;

  @Column('text')
  role!: ApiKeyRole;

  @Column('text')
  prefix!: string;

  @Column('text', { name: 'key_hash' })
  keyHash!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
