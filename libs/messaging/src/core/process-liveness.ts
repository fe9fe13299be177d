import type { DataSource, QueryRunner } from 'typeorm';

import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';

/**
 * The `application_name` a liveness session carries: the identity it stands for. A process's identity is that of
 * its first liveness session; a session re-opened after the first one dropped (the database restarted, the
 * connection was killed) carries the same identity here, so the process keeps its identity — its consumers' client
 * ids and its job leases stay its own, and peers do not take them as a dead process's.
 */
export const LIVENESS_APPLICATION_PREFIX = 'ps-liveness ';

/**
 * SQL for the identities of every process that is alive right now: one per PostgreSQL session a
 * `ProcessLiveness` holds open (`pg:<backend pid>:<backend start, µs>` of its first session, named in the
 * session's `application_name`), and that of every other session. A session ends the moment its process dies
 * (the kernel closes the socket, the backend exits), so an identity missing here belongs to a dead process. The
 * backend start makes a reused pid a different identity. Never NULL (it is used in `NOT IN`).
 */
export const LIVE_PROCESS_IDS_SQL = `SELECT 'pg:' || a.pid || ':' || (extract(epoch FROM a.backend_start) * 1000000)::bigint AS id
   FROM pg_stat_activity a WHERE a.backend_start IS NOT NULL
  UNION ALL
 SELECT substr(a.application_name, ${LIVENESS_APPLICATION_PREFIX.length + 1}) AS id
   FROM pg_stat_activity a WHERE a.application_name LIKE '${LIVENESS_APPLICATION_PREFIX}pg:%'`;

/** Whether the process with this `ProcessLiveness` identity is alive right now (its session is still open). */
export async function isProcessAlive(
  db: Pick<DataSource, 'query'> | Pick<QueryRunner, 'query'>,
  id: string,
): Promise<boolean> {
  const rows: { alive: boolean }[] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM (${LIVE_PROCESS_IDS_SQL}) live WHERE live.id = $1) AS alive`,
    [id],
  );
  return rows[0]?.alive === true;
}

/** True for identities a `ProcessLiveness` hands out (others, e.g. an older version's random ids, are not judged). */
export function isLivenessId(id: string | null | undefined): boolean {
  return typeof id === 'string' && /^pg:\d+:\d+$/.test(id);
}

/**
 * This process's identity while it is alive, as PostgreSQL sees it: a database session held open for the life of
 * the process. Other processes learn that this one died as soon as PostgreSQL does (its session is gone from
 * `pg_stat_activity`), instead of waiting for a lease or a Kafka session to time out — a restarted connector's
 * held jobs, or a dead replica's, are taken over at once (connector-kit's `JobStore.releaseDead`).
 *
 * Why a session and not a heartbeat row: a heartbeat needs a TTL long enough to ride out pauses (GC, a busy
 * machine), which is exactly the wait to avoid; a session's end is a fact, not a guess. A process whose session
 * drops while it lives (the database restarted, the connection was killed) keeps its identity: the session it
 * re-opens names it (`application_name`, see LIVE_PROCESS_IDS_SQL). While no session names it (the database is
 * down, or the few seconds until the next check re-opens it) peers may take it for dead and take over what it
 * held, which the fenced completion (`claim_count`) keeps harmless. Needs a direct connection (a
 * transaction-pooling proxy would share sessions).
 */
export class ProcessLiveness {
  private runner: QueryRunner | null = null;
  private current: string | null = null;
  /** The identity of this process's first session, kept across re-opened sessions. */
  private identity: string | null = null;
  private opening: Promise<string> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: { checkIntervalMs?: number; logger?: MessagingLogger } = {},
  ) {}

  /** The identity now (null before `start()` or while the session is being re-opened). */
  get id(): string | null {
    return this.current;
  }

  /**
   * This process's identity for good (that of its first session; null before `start()`), also while its session
   * is being re-opened: what it must never take for a dead process's.
   */
  get processId(): string | null {
    return this.identity;
  }

  /** Opens the session and keeps checking it, re-opening it (same identity) if it dropped (idempotent). */
  async start(): Promise<string> {
    if (this.timer) return this.ensure();
    const id = await this.open();
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs ?? 2000);
    this.timer.unref();
    return id;
  }

  /** The identity, re-opening the session first if the last check found it gone. */
  async ensure(): Promise<string> {
    if (this.checking) await this.checking;
    return this.current ?? this.open();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
    this.current = null;
    // The pool keeps the connection: it must not go on naming this process once the process stops.
    await this.runner?.query('RESET application_name').catch(() => undefined);
    await this.runner?.release().catch(() => undefined);
    this.runner = null;
  }

  /** One opening at a time (a check and an `ensure()` may both find the session gone). */
  private open(): Promise<string> {
    this.opening ??= this.openSession().finally(() => (this.opening = null));
    return this.opening;
  }

  private async openSession(): Promise<string> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const rows: { id: string }[] = await runner.query(
        `SELECT 'pg:' || a.pid || ':' || (extract(epoch FROM a.backend_start) * 1000000)::bigint AS id
           FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()`,
      );
      // The first session's identity is the process's for good; a re-opened session names it.
      const id = this.identity ?? rows[0].id;
      await runner.query(`SELECT set_config('application_name', $1, false)`, [
        `${LIVENESS_APPLICATION_PREFIX}${id}`,
      ]);
      this.identity = id;
      this.runner = runner;
      this.current = id;
      return id;
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw error;
    }
  }

  /** Every `checkIntervalMs`: the session still answers, else it is re-opened (again at each check until it is). */
  private check(): Promise<void> {
    if (this.checking || !this.timer) return this.checking ?? Promise.resolve();
    this.checking = (async () => {
      try {
        if (this.runner) {
          try {
            await this.runner.query('SELECT 1');
            return;
          } catch (error) {
            (this.options.logger ?? silentLogger).warn(
              { err: error, id: this.identity },
              'the liveness session dropped; re-opening it (until then what this process holds may be taken over)',
            );
            this.current = null;
            await this.runner?.release().catch(() => undefined);
            this.runner = null;
          }
        }
        await this.open().then(
          () =>
            (this.options.logger ?? silentLogger).info({ id: this.identity }, 'liveness session re-opened'),
          () => undefined,
        );
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }
}
