import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'firms' })
export class FirmEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
