import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyAndRateLimits1764000000000 implements MigrationInterface {
  name = 'IdempotencyAndRateLimits1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per (firm or platform, Idempotency-Key); `response_body` is set once the first request succeeded.
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope           text NOT NULL,
        key             text NOT NULL,
        fingerprint     text NOT NULL,
        response_status integer,
        response_body   text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key)
      )`);
    await q.query('CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at)');
    // rate-limiter-flexible's Postgres store (its own layout; `expire` is epoch milliseconds).
    await q.query(`
      CREATE TABLE rate_limits (
        key    varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limits');
    await q.query('DROP TABLE idempotency_keys');
  }
}
