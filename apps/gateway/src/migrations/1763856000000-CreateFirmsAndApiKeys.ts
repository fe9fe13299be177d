import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFirmsAndApiKeys1763856000000 implements MigrationInterface {
  name = 'CreateFirmsAndApiKeys1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE firms (
        id         uuid PRIMARY KEY,
        name       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id           uuid PRIMARY KEY,
        firm_id      uuid NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
        name         text NOT NULL,
        role         text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        prefix       text NOT NULL,
        key_hash     text NOT NULL UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at   timestamptz
      )`);
    // Authentication looks keys up by their public prefix, among the active ones only.
    await q.query('CREATE INDEX api_keys_active_prefix ON api_keys (prefix) WHERE revoked_at IS NULL');
    await q.query('CREATE INDEX api_keys_firm ON api_keys (firm_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE firms');
  }
}
