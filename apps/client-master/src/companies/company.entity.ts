import type { CompanyRole } from '@practice-sync/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { ClientEntity } from '../clients/client.entity';

/** One set of books at one location (branch sync): the firm's own, or a client's (`clientId`). */
@Entity({ name: 'companies' })
@Index('companies_firm_id', ['firmId', 'id'])
export class CompanyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @Column('uuid', { name: 'client_id', nullable: true })
  clientId!: string | null;

  @ManyToOne(() => ClientEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'companies_client_id_fkey' })
  client?: ClientEntity;

  @Column('text')
  name!: string;

  /** head_office | branch. */
  @Column('text')
  role!: CompanyRole;

  @Column('text', { name: 'books_url' })
  booksUrl!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

/** The Company resource (internal wire contract, same shape as the public one). */
export interface CompanyDto {
  id: string;
  name: string;
  role: CompanyRole;
  booksUrl: string;
  clientId: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toCompanyDto(c: CompanyEntity): CompanyDto {
  return {
    id: c.id,
    name: c.name,
    role: c.role,
    booksUrl: c.booksUrl,
    clientId: c.clientId,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
