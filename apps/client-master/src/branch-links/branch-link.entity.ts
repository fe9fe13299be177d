import type {
  BooksClass,
  BooksRuleDirection,
  LinkMode,
  LinkState,
  RuleStatus,
} from '@practice-sync/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, Unique } from 'typeorm';

import { CompanyEntity } from '../companies/company.entity';

/**
 * A client company and a server company (Tally's client/server model) with the rules that say what moves.
 * One link per ordered pair; a company in a link cannot be deleted (the foreign keys restrict it).
 */
@Entity({ name: 'branch_links' })
@Unique('branch_links_pair', ['clientCompanyId', 'serverCompanyId'])
@Index('branch_links_firm_id', ['firmId', 'id'])
@Index('branch_links_server_company', ['serverCompanyId'])
export class BranchLinkEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @Column('uuid', { name: 'client_company_id' })
  clientCompanyId!: string;

  @ManyToOne(() => CompanyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_company_id', foreignKeyConstraintName: 'branch_links_client_company_fkey' })
  clientCompany?: CompanyEntity;

  @Column('uuid', { name: 'server_company_id' })
  serverCompanyId!: string;

  @ManyToOne(() => CompanyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'server_company_id', foreignKeyConstraintName: 'branch_links_server_company_fkey' })
  serverCompany?: CompanyEntity;

  @Column('text')
  mode!: LinkMode;

  /** Filled by the sync steps (later): online | offline | syncing | failed, held changes, last sync, error. */
  @Column('text', { default: 'online' })
  state!: LinkState;

  @Column('integer', { name: 'held_count', default: 0 })
  heldCount!: number;

  @Column('timestamptz', { name: 'held_oldest_at', nullable: true })
  heldOldestAt!: Date | null;

  @Column('timestamptz', { name: 'last_sync_at', nullable: true })
  lastSyncAt!: Date | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @OneToMany(() => BranchRuleEntity, (r) => r.link)
  rules?: BranchRuleEntity[];
}

/** A rule of a link, proposed by its client side and decided (activated or rejected) by its server side. */
@Entity({ name: 'branch_rules' })
@Index('branch_rules_link', ['linkId', 'id'])
export class BranchRuleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'link_id' })
  linkId!: string;

  @ManyToOne(() => BranchLinkEntity, (l) => l.rules, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'link_id', foreignKeyConstraintName: 'branch_rules_link_id_fkey' })
  link?: BranchLinkEntity;

  /** masters | transactions (`class` is a reserved word in TypeScript's value space, not as a column). */
  @Column('text', { name: 'class' })
  ruleClass!: BooksClass;

  /** Master type names or voucher type names; empty: every type of the class. */
  @Column('text', { array: true, default: () => "'{}'" })
  types!: string[];

  @Column('text')
  direction!: BooksRuleDirection;

  @Column('date', { name: 'from_date', nullable: true })
  fromDate!: string | null;

  @Column('text', { default: 'proposed' })
  status!: RuleStatus;

  /** Why the server side rejected it (null unless rejected). */
  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
