import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Branch sync's master data: companies (one set of books each, optionally a client's), links between a client
 * company and a server company (one per ordered pair, never a company to itself) and their rules. A company in
 * a link cannot be deleted (RESTRICT); a link's rules go with it.
 */
export class CreateCompaniesAndBranchLinks1765300000000 implements MigrationInterface {
  name = 'CreateCompaniesAndBranchLinks1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE companies (
        id         uuid PRIMARY KEY,
        firm_id    uuid NOT NULL,
        client_id  uuid,
        name       text NOT NULL,
        role       text NOT NULL,
        books_url  text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT companies_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE SET NULL
      )`);
    await q.query('CREATE INDEX companies_firm_id ON companies (firm_id, id)');
    await q.query(`
      CREATE TABLE branch_links (
        id                uuid PRIMARY KEY,
        firm_id           uuid NOT NULL,
        client_company_id uuid NOT NULL,
        server_company_id uuid NOT NULL,
        mode              text NOT NULL,
        state             text NOT NULL DEFAULT 'online',
        held_count        integer NOT NULL DEFAULT 0,
        held_oldest_at    timestamptz,
        last_sync_at      timestamptz,
        error             text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT branch_links_pair UNIQUE (client_company_id, server_company_id),
        CONSTRAINT branch_links_client_company_fkey FOREIGN KEY (client_company_id)
          REFERENCES companies (id) ON DELETE RESTRICT,
        CONSTRAINT branch_links_server_company_fkey FOREIGN KEY (server_company_id)
          REFERENCES companies (id) ON DELETE RESTRICT
      )`);
    await q.query('CREATE INDEX branch_links_firm_id ON branch_links (firm_id, id)');
    await q.query('CREATE INDEX branch_links_server_company ON branch_links (server_company_id)');
    await q.query(`
      CREATE TABLE branch_rules (
        id         uuid PRIMARY KEY,
        link_id    uuid NOT NULL,
        class      text NOT NULL,
        types      text[] NOT NULL DEFAULT '{}',
        direction  text NOT NULL,
        from_date  date,
        status     text NOT NULL DEFAULT 'proposed',
        reason     text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT branch_rules_link_id_fkey FOREIGN KEY (link_id) REFERENCES branch_links (id) ON DELETE CASCADE
      )`);
    await q.query('CREATE INDEX branch_rules_link ON branch_rules (link_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE branch_rules');
    await q.query('DROP TABLE branch_links');
    await q.query('DROP TABLE companies');
  }
}
