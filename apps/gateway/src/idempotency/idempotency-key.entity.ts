import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A remembered Idempotency-Key: what it was first used for and, once done, the answer to replay. */
@Entity({ name: 'idempotency_keys' })
@Index('idempotency_keys_expires_at', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** The firm id, or `platform` for the platform key. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'idempotency_keys_pkey' })
  scope!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'idempotency_keys_pkey' })
  key!: string;

  /** SHA-256 of method, path and canonical body. */
  @Column('text')
  fingerprint!: string;

  @Column('integer', { name: 'response_status', nullable: true })
  responseStatus!: number | null;

  @Column('text', { name: 'response_body', nullable: true })
  responseBody!: string | null;

  /** While in progress: the liveness identity of the gateway process handling it (`ProcessLiveness`). */
  @Column('text', { nullable: true })
  owner!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;
}
