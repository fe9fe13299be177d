import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Admins disable users (their sessions end, sign-in is refused) and see when each last signed in. */
export class UserAdministration1795720000000 implements MigrationInterface {
  name = 'UserAdministration1795720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE users ADD COLUMN disabled_at timestamptz, ADD COLUMN last_sign_in_at timestamptz',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN last_sign_in_at, DROP COLUMN disabled_at');
  }
}
