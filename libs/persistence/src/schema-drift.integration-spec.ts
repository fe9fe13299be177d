import { randomBytes } from 'crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Column, Entity, PrimaryColumn } from 'typeorm';

import { pendingSchemaChanges } from './schema-drift';

@Entity({ name: 'widgets' })
class Widget {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
}

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE widgets (id uuid PRIMARY KEY, name text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE widgets');
  }
}

class CreateWidgetsWithoutName1700000000000 implements MigrationInterface {
  name = 'CreateWidgetsWithoutName1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE widgets (id uuid PRIMARY KEY)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE widgets');
  }
}

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = () => `drift_${randomBytes(4).toString('hex')}`;

describe('pendingSchemaChanges (real PostgreSQL)', () => {
  it('is empty when migrations create exactly what the entities describe', async () => {
    expect(
      await pendingSchemaChanges({
        url,
        schema: schema(),
        entities: [Widget],
        migrations: [CreateWidgets1700000000000],
      }),
    ).toEqual([]);
  });

  it('lists the missing column when a migration forgot it', async () => {
    const pending = await pendingSchemaChanges({
      url,
      schema: schema(),
      entities: [Widget],
      migrations: [CreateWidgetsWithoutName1700000000000],
    });
    expect(pending.join('\n')).toMatch(/ADD "name" text NOT NULL/);
  });
});
