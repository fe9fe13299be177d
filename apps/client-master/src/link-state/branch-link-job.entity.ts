import type { BooksCategory, JobOutcome } from '@practice-sync/contracts';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { BranchLinkEntity } from '../branch-links/branch-link.entity';

export type LinkJobPhase = 'requested' | 'completed';

/**
 * The latest job of one class (`books.masters` / `books.transactions`) of a link as the job events told it:
 * requested (in flight) or completed, with the last completed outcome kept while a new attempt runs.
 */
@Entity({ name: 'branch_link_jobs' })
export class BranchLinkJobEntity {
  @PrimaryColumn('uuid', { name: 'link_id', primaryKeyConstraintName: 'branch_link_jobs_pkey' })
  linkId!: string;

  @ManyToOne(() => BranchLinkEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'link_id', foreignKeyConstraintName: 'branch_link_jobs_link_id_fkey' })
  link?: BranchLinkEntity;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'branch_link_jobs_pkey' })
  category!: BooksCategory;

  @Column('uuid', { name: 'job_id' })
  jobId!: string;

  @Column('integer')
  attempt!: number;

  @Column('text')
  phase!: LinkJobPhase;

  /** When the event that set this row happened: the request's `occurredAt`, the result's `finishedAt`. */
  @Column('timestamptz')
  at!: Date;

  /** The last completed attempt's outcome and error (kept while a newer attempt is in flight). */
  @Column('text', { nullable: true })
  outcome!: JobOutcome | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
