import { gauge, onScrape } from '@practice-sync/observability';
import type { Client } from 'pg';
import type { Registry } from 'prom-client';

/** What this process's PostgreSQL connections sent since it started. */
export interface StatementCounts {
  /** Every statement (transaction control included). */
  statements: number;
  /** Transactions ended: a COMMIT or ROLLBACK, or a statement run outside an explicit transaction. */
  transactions: number;
}

/** One per process: every pool's connections count here (read through `registerStatementMetrics`). */
export const statementCounts: StatementCounts = { statements: 0, transactions: 0 };

const BEGINS = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
const ENDS = /^\s*(COMMIT|END|ROLLBACK|ABORT)\s*(;?\s*$|AND\b|WORK\b|TRANSACTION\b)/i;

/**
 * Counts one statement sent on a connection, given whether that connection is inside an explicit transaction,
 * and returns whether it is afterwards. A statement outside a transaction is a transaction of its own;
 * `ROLLBACK TO SAVEPOINT` ends nothing.
 */
export function countStatement(text: string, inTransaction: boolean, counts = statementCounts): boolean {
  counts.statements += 1;
  if (BEGINS.test(text)) return true;
  if (ENDS.test(text)) {
    counts.transactions += 1;
    return false;
  }
  if (!inTransaction) counts.transactions += 1;
  return inTransaction;
}

function textOf(config: unknown): string | undefined {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : undefined;
}

/**
 * A `pg` client class that counts what it sends in `statementCounts` (a few string tests per statement): the
 * transactions and statements per job a benchmark divides by, per service, without PostgreSQL's per-database
 * `pg_stat_database` (every service shares one database).
 */
export function countingClient(base: typeof Client): typeof Client {
  return class CountingClient extends base {
    private inTransaction = false;

    override query(...args: unknown[]): never {
      const text = textOf(args[0]);
      if (text !== undefined) this.inTransaction = countStatement(text, this.inTransaction);
      return (base.prototype.query as (...a: unknown[]) => never).apply(this, args);
    }
  };
}

/** `db_statements_total` and `db_transactions_total`: this process's counts, read on scrape. */
export function registerStatementMetrics(registry: Registry, counts = statementCounts): void {
  const statements = gauge(
    registry,
    'db_statements_total',
    'PostgreSQL statements this process sent (transaction control included)',
  );
  const transactions = gauge(
    registry,
    'db_transactions_total',
    'PostgreSQL transactions this process ended (COMMIT/ROLLBACK, or a statement outside a transaction)',
  );
  onScrape(statements, () => statements.set(counts.statements));
  onScrape(transactions, () => transactions.set(counts.transactions));
}
