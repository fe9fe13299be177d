import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';

import { ClientEntity } from '../clients/client.entity';

/**
 * One notice of a client (GST notice by ARN, Income Tax proceeding by its id), whatever period's fetch carried
 * it: the records store keeps what each fetch returned per period, this is the notice itself.
 */
@Entity({ name: 'notices' })
@Unique('notices_once', ['firmId', 'clientId', 'category', 'noticeId'])
@Index('notices_due', ['firmId', 'dueDate', 'id'])
export class NoticeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @Column('uuid', { name: 'client_id' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'notices_client_id_fkey' })
  client?: ClientEntity;

  @Column('text')
  category!: string;

  @Column('text', { name: 'subject_kind' })
  subjectKind!: string;

  @Column('text', { name: 'subject_value' })
  subjectValue!: string;

  @Column('text', { name: 'notice_id' })
  noticeId!: string;

  /** The records-store key of the notice (same in every period). */
  @Column('text', { name: 'natural_key' })
  naturalKey!: string;

  /** The period of the fetch that first saw it. */
  @Column('text', { name: 'first_period', nullable: true })
  firstPeriod!: string | null;

  @Column('text', { nullable: true })
  section!: string | null;

  @Column('text', { nullable: true })
  description!: string | null;

  /** open | replied | closed. */
  @Column('text')
  status!: string;

  @Column('text', { name: 'portal_status', nullable: true })
  portalStatus!: string | null;

  @Column('date', { name: 'issued_on', nullable: true })
  issuedOn!: string | null;

  @Column('date', { name: 'due_date', nullable: true })
  dueDate!: string | null;

  /** The dates as the portal wrote them (kept when they could not be read). */
  @Column('text', { name: 'issued_on_raw', nullable: true })
  issuedOnRaw!: string | null;

  @Column('text', { name: 'due_date_raw', nullable: true })
  dueDateRaw!: string | null;

  @Column('timestamptz', { name: 'first_seen_at' })
  firstSeenAt!: Date;

  /** When the fetch behind the latest stored facts was published; an older fetch never overwrites a newer. */
  @Column('timestamptz', { name: 'observed_at' })
  observedAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
