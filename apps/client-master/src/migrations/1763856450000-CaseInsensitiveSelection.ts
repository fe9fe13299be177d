import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs select clients by tag and office whatever the case the firm types them in ("Pune" = "pune"). The
 * selection compares lower-cased values, so the indexes are on lower-cased expressions: a GIN index over the
 * lower-cased tags (replacing the one over the tags as stored, which no query uses any more) and a B-tree over
 * (firm, lower(office)) for live clients. `lower_tags` is declared immutable (it is: lower() of each element),
 * as an index expression requires.
 */
export class CaseInsensitiveSelection1763856450000 implements MigrationInterface {
  name = 'CaseInsensitiveSelection1763856450000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION lower_tags(tags text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT coalesce(array_agg(lower(t)), '{}') FROM unnest(tags) AS t $$`,
    );
    await q.query('CREATE INDEX clients_tags_ci ON clients USING gin (lower_tags(tags))');
    await q.query(
      'CREATE INDEX clients_firm_office_ci ON clients (firm_id, lower(office)) WHERE deleted_at IS NULL',
    );
    await q.query('DROP INDEX IF EXISTS clients_tags');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX clients_tags ON clients USING gin (tags)');
    await q.query('DROP INDEX IF EXISTS clients_firm_office_ci');
    await q.query('DROP INDEX IF EXISTS clients_tags_ci');
    await q.query('DROP FUNCTION IF EXISTS lower_tags(text[])');
  }
}
