import type { RunStatus } from '@practice-sync/contracts';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import type { BooksSnapshotOptions, JobCategory, RunSubjectKind } from './job-kind';
import type { RunPeriods, RunSelection } from './run-scope';

// The migrations own the schema; these describe what they create so the drift check sees no difference.
@Entity({ name: 'sync_runs' })
@Check('sync_runs_status_check', `status IN ('queued', 'running', 'completed', 'cancelled')`)
@Check('sync_runs_subject_kind_check', `subject_kind IN ('clients', 'links')`)
// (firm_id, id DESC), which TypeORM cannot describe: the migration owns it.
@Index('sync_runs_firm_idx', { synchronize: false })
@Index('sync_runs_fan_out_idx', ['id'], { where: 'fan_out_done_at IS NULL' })
@Index('sync_runs_active_idx', ['id'], { where: `status = 'running'` })
@Index('sync_runs_progress_idx', ['progressEmittedAt'], { where: 'progress_dirty' })
@Index('sync_runs_idempotency_key', ['firmId', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
export class SyncRunEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'firm_id' })
  firmId!: string;

  @Column('text')
  status!: RunStatus;

  /** As requested; a retry run holds `{ retryOf }` (its clients are its source run's failed jobs). */
  @Column('jsonb')
  selection!: RunSelection;

  /** What the selection selects: clients (portal categories) or branch links (`books.*`). */
  @Column('text', { name: 'subject_kind', default: 'clients' })
  subjectKind!: RunSubjectKind;

  @Column('text', { array: true })
  categories!: JobCategory[];

  @Column('jsonb')
  period!: RunPeriods;

  /** A `books.snapshot` run's options; null for every other run. */
  @Column('jsonb', { name: 'books_snapshot', nullable: true })
  booksSnapshot!: BooksSnapshotOptions | null;

  @Column('uuid', { name: 'schedule_id', nullable: true })
  scheduleId!: string | null;

  /** The run whose failed jobs this run retries (POST …/retry); its jobs are copied, not fanned out. */
  @Column('uuid', { name: 'retry_of', nullable: true })
  retryOf!: string | null;

  /** The client's `Idempotency-Key` of the request that created the run (unique in the firm), else null. */
  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  /** The `traceparent` of the request that created the run: its jobs' dispatch continues that trace. */
  @Column('text', { name: 'trace_parent', nullable: true })
  traceParent!: string | null;

  @ManyToOne(() => SyncRunEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'retry_of', foreignKeyConstraintName: 'sync_runs_retry_of_fkey' })
  retryOfRun?: SyncRunEntity;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;

  /** Progress events are coalesced: at most one per PROGRESS_INTERVAL_MS, the rest marked dirty. */
  @Column('timestamptz', { name: 'progress_emitted_at', nullable: true })
  progressEmittedAt!: Date | null;

  @Column('boolean', { name: 'progress_dirty', default: false })
  progressDirty!: boolean;

  @Column('integer', { name: 'jobs_total', default: 0 })
  jobsTotal!: number;

  @Column('integer', { default: 0 })
  pending!: number;

  @Column('integer', { default: 0 })
  running!: number;

  @Column('integer', { default: 0 })
  succeeded!: number;

  @Column('integer', { name: 'no_change', default: 0 })
  noChange!: number;

  @Column('integer', { default: 0 })
  failed!: number;

  @Column('integer', { default: 0 })
  skipped!: number;

  @Column('integer', { default: 0 })
  cancelled!: number;

  @Column('integer', { name: 'no_data', default: 0 })
  noData!: number;

  @Column('integer', { default: 0 })
  partial!: number;

  /** Pages of the client selection already fanned out (compare-and-set guard between workers). */
  @Column('integer', { name: 'fan_out_page', default: 0 })
  fanOutPage!: number;

  /** client-master cursor of the next page to fan out; null before the first page. */
  @Column('text', { name: 'fan_out_cursor', nullable: true })
  fanOutCursor!: string | null;

  @Column('timestamptz', { name: 'fan_out_lease_until', nullable: true })
  fanOutLeaseUntil!: Date | null;

  /** Who holds the fan-out lease: its liveness identity (`pg:<pid>:<backend start>`); null for a back-off. */
  @Column('text', { name: 'fan_out_owner', nullable: true })
  fanOutOwner!: string | null;

  @Column('text', { name: 'fan_out_error', nullable: true })
  fanOutError!: string | null;

  @Column('timestamptz', { name: 'fan_out_done_at', nullable: true })
  fanOutDoneAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
