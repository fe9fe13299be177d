import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClients1763856100000 implements MigrationInterface {
  name = 'CreateClients1763856100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE clients (
        id                   uuid PRIMARY KEY,
        firm_id              uuid NOT NULL,
        name                 text NOT NULL,
        pan                  text,
        tan                  text,
        gstins               text[] NOT NULL DEFAULT '{}',
        esign_client_file_id text,
        office               text,
        tags                 text[] NOT NULL DEFAULT '{}',
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        deleted_at           timestamptz
      )`);
    // One live client per PAN in a firm; a deleted client's PAN may be reused.
    await q.query(
      'CREATE UNIQUE INDEX clients_firm_pan ON clients (firm_id, pan) WHERE pan IS NOT NULL AND deleted_at IS NULL',
    );
    // Lists and selections page by id within a firm.
    await q.query('CREATE INDEX clients_firm_id ON clients (firm_id, id) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX clients_tags ON clients USING gin (tags)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE clients');
  }
}
