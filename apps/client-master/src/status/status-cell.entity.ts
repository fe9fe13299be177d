import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';

import { ClientEntity } from '../clients/client.entity';

/**
 * One cell of a client's status grid: the last outcome of a category for one identifier and period.
 * The natural key (firm, client, category, subject, period) is unique in the database.
 */
@Entity({ name: 'status_cells' })
// NULLS NOT DISTINCT in the migration: a cell without a period is still unique per subject.
@Unique('status_cells_natural_key', [
  'firmId',
  'clientId',
  'category',
  'subjectKind',
  'subjectValue',
  'period',
])
export class StatusCellEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @Column('uuid', { name: 'client_id' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'status_cells_client_id_fkey' })
  client?: ClientEntity;

  @Column('text')
  category!: string;

  @Column('text', { name: 'subject_kind' })
  subjectKind!: string;

  @Column('text', { name: 'subject_value' })
  subjectValue!: string;

  @Column('text', { nullable: true })
  period!: string | null;

  @Column('text', { name: 'last_outcome' })
  lastOutcome!: string;

  @Column('text', { name: 'last_error_code', nullable: true })
  lastErrorCode!: string | null;

  @Column('text', { name: 'last_error_message', nullable: true })
  lastErrorMessage!: string | null;

  @Column('uuid', { name: 'last_run_id' })
  lastRunId!: string;

  @Column('uuid', { name: 'last_job_id' })
  lastJobId!: string;

  /** When the job attempt behind the current value finished; older results never overwrite newer ones. */
  @Column('timestamptz', { name: 'last_finished_at' })
  lastFinishedAt!: Date;

  @Column('timestamptz', { name: 'last_success_at', nullable: true })
  lastSuccessAt!: Date | null;

  /**
   * The finish of the latest complete fetch of the cell (whatever order results arrived in): every live record
   * of the cell was seen then. A live record's "last seen" is the later of this and its own `last_seen_at`.
   */
  @Column('timestamptz', { name: 'records_seen_at', nullable: true })
  recordsSeenAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

export interface StatusCellDto {
  category: string;
  subject: { kind: string; value: string };
  period: string | null;
  lastOutcome: string;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastRunId: string;
  lastJobId: string;
  lastSuccessAt: string | null;
  updatedAt: string;
}

export function toStatusCellDto(c: StatusCellEntity): StatusCellDto {
  return {
    category: c.category,
    subject: { kind: c.subjectKind, value: c.subjectValue },
    period: c.period,
    lastOutcome: c.lastOutcome,
    lastErrorCode: c.lastErrorCode,
    lastErrorMessage: c.lastErrorMessage,
    lastRunId: c.lastRunId,
    lastJobId: c.lastJobId,
    lastSuccessAt: c.lastSuccessAt?.toISOString() ?? null,
    updatedAt: c.updatedAt.toISOString(),
  };
}
