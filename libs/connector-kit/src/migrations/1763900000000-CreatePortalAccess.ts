import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `portal_access`: the firm's portal credentials and sessions per identifier (GSTIN, ERI account, PAN
 * consent, e-sign account). `secret` and `session` hold AES-256-GCM ciphertexts (`v1.<keyId>.…`), never clear
 * text; `status` is what `GET …/credentials` shows and what stops calls for an identifier that needs a person.
 */
export class CreatePortalAccess1763900000000 implements MigrationInterface {
  name = 'CreatePortalAccess1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE portal_access (
        firm_id    text NOT NULL,
        portal     text NOT NULL,
        identifier text NOT NULL,
        secret     text,
        session    text,
        status     text NOT NULL CHECK (status IN ('ok', 'otp_required', 'expiring', 'failed')),
        detail     text,
        expires_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (firm_id, portal, identifier)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE portal_access');
  }
}
