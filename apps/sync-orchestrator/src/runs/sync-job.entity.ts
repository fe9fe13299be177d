import type { FailureCode, JobOutcome, JobPart, JobStatus, TaxpayerResults } from '@practice-sync/contracts';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';

import type { BooksJobSnapshot, JobCategory, JobSubjectKind } from './job-kind';
import { SyncRunEntity } from './sync-run.entity';

// The migrations own the schema; these describe what they create so the drift check sees no difference.
@Entity({ name: 'sync_jobs' })
@Unique('sync_jobs_natural_key', ['runId', 'clientId', 'category', 'subjectValue'])
@Check('sync_jobs_subject_kind_check', `subject_kind IN ('gstin', 'pan', 'esignClientFileId', 'link')`)
@Check('sync_jobs_one_subject_check', `(client_id IS NULL) <> (link_id IS NULL)`)
@Index('sync_jobs_link_key', ['runId', 'linkId', 'category'], { unique: true, where: 'link_id IS NOT NULL' })
@Check('sync_jobs_status_check', `status IN ('pending', 'running', 'done')`)
@Check(
  'sync_jobs_outcome_check',
  `outcome IN ('succeeded', 'no_change', 'failed', 'skipped', 'cancelled', 'no_data', 'partial')`,
)
@Index('sync_jobs_run_idx', ['runId', 'id'])
@Index('sync_jobs_run_outcome_idx', ['runId', 'outcome', 'id'])
// (run_id, split_part(category, '.', 1), id) WHERE status = 'pending': an expression TypeORM cannot describe.
@Index('sync_jobs_pending_portal_idx', { synchronize: false })
@Index('sync_jobs_running_idx', ['deadlineAt'], { where: `status = 'running'` })
@Index('sync_jobs_active_key_idx', ['firmId', 'category', 'subjectValue', 'period'], {
  where: `status <> 'done' AND attempts > 0`,
})
@Index('sync_jobs_waiting_idx', ['waitingForJobId'], {
  where: `status = 'pending' AND waiting_for_job_id IS NOT NULL`,
})
export class SyncJobEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  @ManyToOne(() => SyncRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'sync_jobs_run_id_fkey' })
  run?: SyncRunEntity;

  @Column('text', { name: 'firm_id' })
  firmId!: string;

  /** Null for a branch sync job (its subject is a link). */
  @Column('uuid', { name: 'client_id', nullable: true })
  clientId!: string | null;

  /** The branch link a books job syncs (null for a client's job). */
  @Column('uuid', { name: 'link_id', nullable: true })
  linkId!: string | null;

  /** A books job: both books servers and the class's active rules as the fan-out read them (what dispatch sends). */
  @Column('jsonb', { nullable: true })
  books!: BooksJobSnapshot | null;

  /** When `books` was read from client-master; dispatch sends only a fresh one (BOOKS_LINK_MAX_AGE_MS). */
  @Column('timestamptz', { name: 'link_checked_at', nullable: true })
  linkCheckedAt!: Date | null;

  /** The client's name when the run was fanned out: the log stays readable after a rename or deletion. */
  @Column('text', { name: 'client_name', nullable: true })
  clientName!: string | null;

  @Column('text')
  category!: JobCategory;

  @Column('text', { name: 'subject_kind' })
  subjectKind!: JobSubjectKind;

  /** The GSTIN, PAN or e-sign client file; '' for a job skipped because the client has none. */
  @Column('text', { name: 'subject_value' })
  subjectValue!: string;

  @Column('text', { nullable: true })
  period!: string | null;

  @Column('text')
  status!: JobStatus;

  @Column('text', { nullable: true })
  outcome!: JobOutcome | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode!: FailureCode | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage!: string | null;

  @Column('boolean', { nullable: true })
  retryable!: boolean | null;

  /** Dispatches so far (each is an attempt number at the connector), rate-limit deferrals included. */
  @Column('integer', { default: 0 })
  attempts!: number;

  /** Per part of a multi-part category (AIS, TIS, Form 26AS): fetched or failed, with the reason. */
  @Column('jsonb', { nullable: true })
  parts!: JobPart[] | null;
  /** Times the portal throttled the job and it was re-queued for when the portal allowed (not spent attempts). */
  @Column('integer', { default: 0 })
  deferrals!: number;

  @Column('integer', { default: 0 })
  added!: number;

  @Column('integer', { default: 0 })
  updated!: number;

  @Column('integer', { default: 0 })
  removed!: number;

  @Column('integer', { default: 0 })
  unchanged!: number;

  /** A books job: objects the receiver refused (its result's `counts.errors`). */
  @Column('integer', { name: 'object_errors', default: 0 })
  objectErrors!: number;

  /** A books job: changes held for an unreachable receiver (its result's `counts.held`). */
  @Column('integer', { name: 'books_held', default: 0 })
  booksHeld!: number;

  /** A books job: objects altered at both ends, queued as conflicts (its result's `counts.conflicts`). */
  @Column('integer', { name: 'books_conflicts', default: 0 })
  booksConflicts!: number;

  /** A books job: how many refused objects its result listed (their Tally errors stay in connector-books). */
  @Column('integer', { name: 'failed_objects', default: 0 })
  failedObjects!: number;

  /** e-sign: what the job did per taxpayer of the client file (from its result). */
  @Column('jsonb', { nullable: true })
  taxpayers!: TaxpayerResults | null;

  /** A job waiting out a retry back-off is not dispatched before this. */
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  /** A dispatched job with no result by then is lost: it expires and is re-dispatched. */
  @Column('timestamptz', { name: 'deadline_at', nullable: true })
  deadlineAt!: Date | null;

  /** Another run's job already fetching the same data; this one takes its result instead of fetching again. */
  @Column('uuid', { name: 'waiting_for_job_id', nullable: true })
  waitingForJobId!: string | null;

  @Column('timestamptz', { name: 'dispatched_at', nullable: true })
  dispatchedAt!: Date | null;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
