import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { RunSubjectKind } from '../runs/job-kind';
import type { ClientSelection, LinkSelection, RequestedPeriods } from '../runs/run-scope';

@Entity({ name: 'sync_schedules' })
@Check('sync_schedules_one_rule', '(every IS NULL) <> (cron IS NULL)')
@Check('sync_schedules_subject_kind_check', `subject_kind IN ('clients', 'links')`)
@Index('sync_schedules_firm_idx', ['firmId', 'id'])
@Index('sync_schedules_due_idx', ['nextRunAt'], { where: 'enabled' })
export class SyncScheduleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'firm_id' })
  firmId!: string;

  @Column('text')
  name!: string;

  /** Clients (portal categories) or, for `subjectKind` links, branch links (`books.*` categories). */
  @Column('jsonb')
  selection!: ClientSelection | LinkSelection;

  @Column('text', { name: 'subject_kind', default: 'clients' })
  subjectKind!: RunSubjectKind;

  /** As requested (aliases kept), so `gst.all` keeps meaning every GST category of the catalogue. */
  @Column('text', { array: true })
  categories!: string[];

  /** Fixed periods if the firm asked for them; null means each run takes the defaults of its own day. */
  @Column('jsonb', { nullable: true })
  period!: RequestedPeriods | null;

  @Column('text', { nullable: true })
  every!: string | null;

  @Column('text', { nullable: true })
  cron!: string | null;

  /** IANA name; cron expressions and calendar durations (P1M) are read in it. */
  @Column('text', { default: 'Asia/Kolkata' })
  timezone!: string;

  @Column('timestamptz', { name: 'not_before', nullable: true })
  notBefore!: Date | null;

  @Column('boolean', { default: true })
  enabled!: boolean;

  @Column('uuid', { name: 'last_run_id', nullable: true })
  lastRunId!: string | null;

  @Column('timestamptz', { name: 'next_run_at', nullable: true })
  nextRunAt!: Date | null;

  /** The last tick that started no run (the previous run, or another over the same links, still going)… */
  @Column('timestamptz', { name: 'skipped_at', nullable: true })
  skippedAt!: Date | null;

  /** …and why; both cleared by the next tick that starts a run. */
  @Column('text', { name: 'skip_reason', nullable: true })
  skipReason!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
