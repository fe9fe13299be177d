import type { Client } from 'pg';

/** Cumulative work PostgreSQL counted for one schema's tables (every session, including closed ones). */
export interface SchemaWork {
  inserted: number;
  updated: number;
  /** Of `updated`, those that touched no index (heap-only tuples). */
  hotUpdated: number;
  deleted: number;
  indexScans: number;
  seqScans: number;
}

/** The database's counters: sessions opened, transactions, and the time its sessions spent running statements. */
export interface PostgresWork {
  sessions: number;
  transactions: number;
  activeMs: number;
  bySchema: Record<string, SchemaWork>;
}

/**
 * A snapshot of PostgreSQL's own counters for the client's database: `pg_stat_database` (transactions,
 * `active_time`) and `pg_stat_user_tables` summed by schema. Each service owns one schema, so the difference
 * of two snapshots splits the database's work by service, closed sessions included (unlike `pg_stat_activity`).
 * The counters are flushed by each backend at most once a second, so read the second snapshot a moment after
 * the work ends.
 */
export async function postgresWork(db: Client): Promise<PostgresWork> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const database = await db.query<{ sessions: string; xacts: string; active: string }>(
    `SELECT sessions, xact_commit + xact_rollback AS xacts, active_time AS active
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const tables = await db.query<Record<keyof SchemaWork, string> & { schema: string }>(
    `SELECT schemaname AS schema, sum(n_tup_ins) AS inserted, sum(n_tup_upd) AS updated,
            sum(n_tup_hot_upd) AS "hotUpdated", sum(n_tup_del) AS deleted,
            sum(coalesce(idx_scan, 0)) AS "indexScans", sum(seq_scan) AS "seqScans"
       FROM pg_stat_user_tables GROUP BY schemaname ORDER BY schemaname`,
  );
  const bySchema: Record<string, SchemaWork> = {};
  for (const t of tables.rows) {
    bySchema[t.schema] = {
      inserted: Number(t.inserted),
      updated: Number(t.updated),
      hotUpdated: Number(t.hotUpdated),
      deleted: Number(t.deleted),
      indexScans: Number(t.indexScans),
      seqScans: Number(t.seqScans),
    };
  }
  return {
    sessions: Number(database.rows[0]?.sessions ?? 0),
    transactions: Number(database.rows[0]?.xacts ?? 0),
    activeMs: Number(database.rows[0]?.active ?? 0),
    bySchema,
  };
}

/** What happened between two snapshots, per job: every counter divided by `jobs`, to two decimals. */
export function postgresWorkPerJob(before: PostgresWork, after: PostgresWork, jobs: number): PostgresWork {
  const per = (n: number) => Math.round((100 * n) / Math.max(1, jobs)) / 100;
  const bySchema: Record<string, SchemaWork> = {};
  for (const [schema, a] of Object.entries(after.bySchema)) {
    const b = before.bySchema[schema];
    const d = (k: keyof SchemaWork) => per(a[k] - (b?.[k] ?? 0));
    const work: SchemaWork = {
      inserted: d('inserted'),
      updated: d('updated'),
      hotUpdated: d('hotUpdated'),
      deleted: d('deleted'),
      indexScans: d('indexScans'),
      seqScans: d('seqScans'),
    };
    if (Object.values(work).some((v) => v !== 0)) bySchema[schema] = work;
  }
  return {
    sessions: per(after.sessions - before.sessions),
    transactions: per(after.transactions - before.transactions),
    activeMs: per(after.activeMs - before.activeMs),
    bySchema,
  };
}
