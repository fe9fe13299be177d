import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'clients' })
@Index('clients_firm_pan', ['firmId', 'pan'], {
  unique: true,
  where: 'pan IS NOT NULL AND deleted_at IS NULL',
})
@Index('clients_firm_id', ['firmId', 'id'], { where: 'deleted_at IS NULL' })
// Expression indexes (case-insensitive tag and office selection), which TypeORM cannot describe: the
// migration owns them.
@Index('clients_tags_ci', { synchronize: false })
@Index('clients_firm_office_ci', { synchronize: false })
export class ClientEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'firm_id' })
  firmId!: string;

  @Column('text')
  name!: string;

  @Column('text', { nullable: true })
  pan!: string | null;

  @Column('text', { nullable: true })
  tan!: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  gstins!: string[];

  @Column('text', { name: 'esign_client_file_id', nullable: true })
  esignClientFileId!: string | null;

  @Column('text', { nullable: true })
  office!: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  tags!: string[];

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}

/** The Client resource (internal wire contract, same shape as the public one). */
export interface ClientDto {
  id: string;
  name: string;
  pan: string | null;
  tan: string | null;
  gstins: string[];
  esignClientFileId: string | null;
  office: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export function toClientDto(c: ClientEntity): ClientDto {
  return {
    id: c.id,
    name: c.name,
    pan: c.pan,
    tan: c.tan,
    gstins: c.gstins,
    esignClientFileId: c.esignClientFileId,
    office: c.office,
    tags: c.tags,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
