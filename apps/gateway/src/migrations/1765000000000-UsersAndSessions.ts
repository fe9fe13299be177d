import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersAndSessions1765000000000 implements MigrationInterface {
  name = 'UsersAndSessions1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id                uuid PRIMARY KEY,
        firm_id           uuid NOT NULL,
        email             text NOT NULL,
        role              text NOT NULL,
        password_hash     text,
        invite_token_hash text,
        invite_expires_at timestamptz,
        failed_sign_ins   integer NOT NULL DEFAULT 0,
        locked_until      timestamptz,
        created_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_firm_id_fkey FOREIGN KEY (firm_id) REFERENCES firms (id) ON DELETE CASCADE,
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_invite_token_hash_key UNIQUE (invite_token_hash),
        CONSTRAINT users_role_check CHECK (role IN ('admin', 'operator', 'viewer'))
      )`);
    await q.query('CREATE INDEX users_firm ON users (firm_id)');
    await q.query(`
      CREATE TABLE sessions (
        id         uuid PRIMARY KEY,
        user_id    uuid NOT NULL,
        token_hash text NOT NULL,
        csrf_hash  text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
      )`);
    await q.query('CREATE INDEX sessions_user ON sessions (user_id)');
    await q.query('CREATE INDEX sessions_expires_at ON sessions (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sessions');
    await q.query('DROP TABLE users');
  }
}
