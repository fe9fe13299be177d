import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `books_watermarks`: per link, class and direction, the sender's highest ALTERID every change up to which the
 * receiver holds. `books_object_errors`: each object a receiver refused, with Tally's own text (it names
 * ledgers and amounts, so it never leaves this schema; served firm-scoped for the run log).
 */
export class CreateBooksTables1765000000100 implements MigrationInterface {
  name = 'CreateBooksTables1765000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE books_watermarks (
        link_id    uuid NOT NULL,
        class      text NOT NULL CHECK (class IN ('masters', 'transactions')),
        direction  text NOT NULL CHECK (direction IN ('send', 'receive')),
        firm_id    text NOT NULL,
        alter_id   bigint NOT NULL CHECK (alter_id >= 0),
        job_id     uuid NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (link_id, class, direction)
      )`);
    await q.query(`
      CREATE TABLE books_object_errors (
        id          bigserial PRIMARY KEY,
        firm_id     text NOT NULL,
        job_id      uuid NOT NULL,
        attempt     integer NOT NULL,
        link_id     uuid NOT NULL,
        direction   text NOT NULL,
        guid        text NOT NULL,
        object_type text NOT NULL,
        error_code  text NOT NULL,
        message     text NOT NULL,
        created_at  timestamptz NOT NULL,
        UNIQUE (job_id, attempt, direction, guid)
      )`);
    await q.query('CREATE INDEX books_object_errors_job ON books_object_errors (firm_id, job_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE books_object_errors');
    await q.query('DROP TABLE books_watermarks');
  }
}
