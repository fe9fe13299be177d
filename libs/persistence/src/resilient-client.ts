import { Client } from 'pg';

/**
 * The pool's `pg` client class with an `error` listener for its whole life. A connection PostgreSQL drops (a
 * restart, `pg_terminate_backend`) emits `error`; node-postgres' pool listens while the client is idle and TypeORM's
 * query runner while it holds it, but between the pool handing a client out and the runner attaching its listener
 * (and after the runner has let go of a broken one) nobody does, and an `error` event without a listener throws:
 * the process would die of a database restart. Listening here changes nothing else: the client is no longer
 * queryable, and the pool drops it when it comes back (or at once, if idle), so the next query gets a new
 * connection.
 */
export function resilientClient(base: typeof Client = Client): typeof Client {
  return class ResilientClient extends base {
    constructor(...args: ConstructorParameters<typeof Client>) {
      super(...args);
      this.on('error', () => undefined);
    }
  };
}
