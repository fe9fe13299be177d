import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';

import { ClientEntity } from '../clients/client.entity';

/** One synced record of a client, by natural key within (category, subject, period). */
@Entity({ name: 'records' })
// NULLS NOT DISTINCT in the migration: a record of a category without a period is still unique.
@Unique('records_natural_key', [
  'firmId',
  'clientId',
  'category',
  'subjectKind',
  'subjectValue',
  'period',
  'naturalKey',
])
@Index('records_client', ['firmId', 'clientId', 'id'])
export class RecordEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @Column('uuid', { name: 'client_id' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'records_client_id_fkey' })
  client?: ClientEntity;

  @Column('text')
  category!: string;

  @Column('text', { name: 'subject_kind' })
  subjectKind!: string;

  @Column('text', { name: 'subject_value' })
  subjectValue!: string;

  @Column('text', { nullable: true })
  period!: string | null;

  @Column('text', { name: 'natural_key' })
  naturalKey!: string;

  /** Null once removed (the portal no longer has it); the last content is not kept. */
  @Column('jsonb', { nullable: true })
  data!: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  hash!: string | null;

  /** 1 when first seen, +1 for every change (update, removal, reappearance). */
  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'first_seen_at' })
  firstSeenAt!: Date;

  /**
   * When a fetch last brought this record as added, updated or reappeared (and, once removed, the last time it
   * was seen). A live record was also seen by every later complete fetch of its cell: the API's `lastSeenAt` is
   * the later of this and `status_cells.records_seen_at` (records.service).
   */
  @Column('timestamptz', { name: 'last_seen_at' })
  lastSeenAt!: Date;

  @Column('timestamptz', { name: 'removed_at', nullable: true })
  removedAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

/** One entry of the change feed: a record a job added, updated or removed. */
@Entity({ name: 'record_changes' })
@Unique('record_changes_once', ['jobId', 'naturalKey'])
@Index('record_changes_client', ['firmId', 'clientId', 'id'])
export class RecordChangeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @Column('uuid', { name: 'client_id' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'record_changes_client_id_fkey' })
  client?: ClientEntity;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  @Column('uuid', { name: 'job_id' })
  jobId!: string;

  @Column('text')
  category!: string;

  @Column('text', { name: 'subject_kind' })
  subjectKind!: string;

  @Column('text', { name: 'subject_value' })
  subjectValue!: string;

  @Column('text', { nullable: true })
  period!: string | null;

  @Column('text', { name: 'natural_key' })
  naturalKey!: string;

  @Column('text')
  change!: 'added' | 'updated' | 'removed';

  @Column('timestamptz')
  at!: Date;
}
