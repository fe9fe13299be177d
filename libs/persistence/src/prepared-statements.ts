import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** How often a statement's text must have been sent, with parameters, before it is prepared. */
const USES_BEFORE_PREPARING = 2;
/** Texts counted but not (yet) prepared that are remembered; past this the count starts over. */
const MAX_COUNTED = 10_000;
/** PostgreSQL's answer to a prepared statement whose result columns changed under it (a migration). */
const STALE_PLAN = 'cached plan must not change result type';

/**
 * Which statement texts a process runs as named prepared statements, and under which name.
 *
 * PostgreSQL parses, analyses and plans an unnamed statement every time it runs. A named one is parsed once
 * per connection, and after a few runs it plans once too (`plan_cache_mode = auto` keeps a generic plan only
 * when it costs no more than the custom ones). For the services' short transactional statements, planning
 * is most of PostgreSQL's CPU per statement.
 *
 * A text is prepared from its second use on, so one-off statements are never kept, and at most `max` texts
 * are ever named: statements whose text varies with their input (a list of N placeholders) cannot grow the
 * cache of a connection without bound. One registry per process: a name always means the same text, on
 * every connection of every pool.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly uses = new Map<string, number>();
  private generation = 0;

  constructor(readonly max: number) {}

  /** The name to prepare `text` under, or undefined to send it unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= this.max) return known;
    const uses = (this.uses.get(text) ?? 0) + 1;
    if (uses < USES_BEFORE_PREPARING) {
      if (this.uses.size >= MAX_COUNTED) this.uses.clear();
      this.uses.set(text, uses);
      return undefined;
    }
    this.uses.delete(text);
    const name = `ps${this.generation}_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }

  /**
   * Forgets every name: the next uses of each text prepare it afresh under a new name. Called when PostgreSQL
   * refuses a prepared statement because a migration changed the columns it returns; connections still hold
   * the old statements, but never run them again.
   */
  retireAll(): void {
    this.names.clear();
    this.uses.clear();
    this.generation += 1;
  }

  get size(): number {
    return this.names.size;
  }
}

/** True for PostgreSQL's refusal to run a prepared statement whose result columns changed since it was parsed. */
export function isStalePreparedStatement(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes(STALE_PLAN);
}

type QueryCallback = (err: Error | null, result?: unknown) => void;
type Query = (this: Client, ...args: unknown[]) => never;
/** pg's own `query` (heavily overloaded), called with the arguments as given. */
const pgQuery = Client.prototype.query as unknown as Query;

const logger = new Logger('PreparedStatements');

/** Retires every name after PostgreSQL refused `text` as stale, and says so (the statement text, never values). */
function retire(names: StatementNames, text: string): void {
  const retired = names.size;
  names.retireAll();
  logger.warn(
    `PostgreSQL refused a prepared statement whose result columns changed (a migration ran): ${retired} prepared statements retired, each is prepared afresh on its next use; the failed statement was: ${text.slice(0, 200)}`,
  );
}

/**
 * A `pg` client class (for the pool's `Client` option) that runs parameterised statements as named prepared
 * statements, as `names` decides. Statements without parameters (transaction control, migrations, several
 * statements in one text) are left as they are: the simple protocol runs them, and cannot prepare them.
 */
export function preparingClient(names: StatementNames): typeof Client {
  return class PreparingClient extends Client {
    // This override handles (text, values[, callback]) and passes every other form on unchanged.
    override query(config: unknown, values?: unknown, callback?: unknown): never {
      const name =
        typeof config === 'string' && Array.isArray(values) && values.length > 0
          ? names.nameFor(config)
          : undefined;
      if (name === undefined) return pgQuery.call(this, config, values, callback);
      const text = config as string;
      const spec = { name, text, values };
      const onError = (err: unknown) => {
        if (isStalePreparedStatement(err)) retire(names, text);
      };
      if (typeof callback === 'function') {
        return pgQuery.call(this, spec, (err: Error | null, res: unknown) => {
          onError(err);
          (callback as QueryCallback)(err, res);
        });
      }
      return (pgQuery.call(this, spec) as Promise<unknown>).catch((err: unknown) => {
        onError(err);
        throw err;
      }) as never;
    }
  };
}
