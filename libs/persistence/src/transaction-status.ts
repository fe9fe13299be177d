import { EventEmitter, once } from 'node:events';

import type { EntityManager } from 'typeorm';

/**
 * PostgreSQL tells the client after every statement whether the session is idle, in a transaction, or in a
 * failed transaction (the ReadyForQuery message: 'I', 'T' or 'E'). node-postgres parses it but keeps it only as
 * an event of the client's connection, so it is followed here, once per connection.
 */
type ReadyStatus = 'I' | 'T' | 'E';

const lastStatus = new WeakMap<object, ReadyStatus>();

interface PgClient {
  connection?: unknown;
  /** False from a statement's sending until its ReadyForQuery has been read. */
  readyForQuery?: boolean;
}

function clientOf(manager: EntityManager): PgClient | undefined {
  // PostgresQueryRunner keeps its node-postgres client here once connected (a transaction always is).
  return (manager.queryRunner as { databaseConnection?: PgClient } | undefined)?.databaseConnection;
}

function connectionOf(manager: EntityManager): EventEmitter | null {
  const connection = clientOf(manager)?.connection;
  return connection instanceof EventEmitter ? connection : null;
}

/**
 * Starts following the transaction status of the manager's connection (call at the start of a transaction,
 * before its statements). Harmless to call again for the same connection.
 */
export function followTransactionStatus(manager: EntityManager): void {
  const connection = connectionOf(manager);
  if (!connection || lastStatus.has(connection)) return;
  lastStatus.set(connection, 'T');
  connection.on('readyForQuery', (message: { status?: string }) => {
    if (message.status === 'I' || message.status === 'T' || message.status === 'E') {
      lastStatus.set(connection, message.status);
    }
  });
}

/**
 * Throws when a statement of the manager's open transaction has failed, even if the code that ran it caught the
 * error: PostgreSQL would answer the COMMIT with a silent ROLLBACK, losing the transaction's work without an
 * error. Costs no round trip when the status is followed; otherwise it asks with one statement.
 */
export async function assertTransactionUsable(manager: EntityManager): Promise<void> {
  const connection = connectionOf(manager);
  // node-postgres settles a failed statement on its ErrorResponse, before the ReadyForQuery that follows it:
  // wait for that, or the status read below could be the one from before the failure.
  if (connection && clientOf(manager)?.readyForQuery === false) await once(connection, 'readyForQuery');
  const status = connection ? lastStatus.get(connection) : undefined;
  if (status === undefined) {
    await manager.query('SELECT 1'); // fails in an aborted transaction
    return;
  }
  if (status === 'E') {
    throw new Error(
      'a statement failed inside the transaction and its error was caught; the transaction is aborted and ' +
        'would be rolled back on commit',
    );
  }
}
