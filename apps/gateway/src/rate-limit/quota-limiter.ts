/**
 * A fixed-window rate limit shared by gateway replicas without a database write per request: each replica
 * reserves the budget in blocks (one upsert per block) and spends a block from memory.
 *
 * Bounds (N replicas, block B, limit L per window):
 * - never more than L requests allowed per key per window in all: every allowed request was reserved first;
 * - a key can be refused up to N × (B − 1) requests early (blocks reserved by replicas it no longer reaches);
 * - the window is the shared one (its end comes from the store), so all replicas reset together;
 * - `RateLimit-Remaining` is exact for this replica's block and as of its last reservation for the others.
 */

export interface Reservation {
  /** Requests of the window reserved by every replica, this reservation included (may pass the limit). */
  reserved: number;
  /** Milliseconds until the window ends. */
  msLeft: number;
}

export interface QuotaStore {
  /** Adds `points` to the key's reserved count in the open window, opening a `windowMs` one if none is. */
  reserve(key: string, points: number, windowMs: number): Promise<Reservation>;
}

export interface LimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  msBeforeReset: number;
}

interface Window {
  resetAt: number;
  /** Requests this replica may still allow from its blocks. */
  left: number;
  /** Reserved by all replicas at the last reservation, capped at the limit. */
  reservedShared: number;
  /** The last reservation got less than a full block: the budget is spent until the window ends. */
  exhausted: boolean;
}

export interface QuotaLimiterOptions {
  limit: number;
  windowMs: number;
  block: number;
  store: QuotaStore;
  /** Stands in when `store` fails (a per-process budget), so an outage neither blocks callers nor lifts the limit. */
  fallback?: QuotaStore;
  now?: () => number;
  /** Told once per store failure that the fallback answered. */
  onStoreError?: (error: unknown) => void;
}

export class QuotaLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly block: number;
  private readonly now: () => number;

  constructor(private readonly options: QuotaLimiterOptions) {
    this.block = Math.max(1, Math.min(options.block, Math.floor(options.limit / 10)));
    this.now = options.now ?? Date.now;
  }

  get limit(): number {
    return this.options.limit;
  }

  get windowSeconds(): number {
    return this.options.windowMs / 1000;
  }

  /** Spends one request of `key`'s budget, or says when the window ends if it is spent. */
  async consume(key: string): Promise<LimitState> {
    for (;;) {
      const now = this.now();
      let window = this.windows.get(key);
      if (window && now >= window.resetAt) {
        this.windows.delete(key);
        window = undefined;
      }
      if (window && window.left > 0) {
        window.left--;
        return this.state(window, true, now);
      }
      if (window?.exhausted) return this.state(window, false, now);
      await this.reserve(key);
    }
  }

  /** One reservation per key at a time; requests arriving meanwhile wait for it instead of reserving too. */
  private reserve(key: string): Promise<void> {
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.reserveBlock(key).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async reserveBlock(key: string): Promise<void> {
    const { limit, windowMs } = this.options;
    let reservation: Reservation;
    try {
      reservation = await this.options.store.reserve(key, this.block, windowMs);
    } catch (error) {
      if (!this.options.fallback) throw error;
      this.options.onStoreError?.(error);
      reservation = await this.options.fallback.reserve(key, this.block, windowMs);
    }
    const before = reservation.reserved - this.block;
    const granted = Math.max(0, Math.min(this.block, limit - before));
    const now = this.now();
    // Only reserved once this replica's block is spent (`left` 0), so nothing unspent is overwritten.
    this.windows.set(key, {
      resetAt: now + Math.max(1, reservation.msLeft),
      left: granted,
      reservedShared: Math.min(limit, reservation.reserved),
      exhausted: granted < this.block,
    });
    this.sweep(now);
  }

  private state(window: Window, allowed: boolean, now: number): LimitState {
    const limit = this.options.limit;
    return {
      allowed,
      limit,
      remaining: Math.max(0, Math.min(limit, limit - window.reservedShared + window.left)),
      msBeforeReset: Math.max(0, window.resetAt - now),
    };
  }

  /** Drops ended windows now and then, so keys that stopped calling do not stay in memory. */
  private sweep(now: number): void {
    if (this.windows.size < 1000) return;
    for (const [key, window] of this.windows) if (now >= window.resetAt) this.windows.delete(key);
  }
}

/** Per-process windows: a single gateway (tests), and the stand-in while PostgreSQL is unreachable. */
export class MemoryQuotaStore implements QuotaStore {
  private readonly windows = new Map<string, { reserved: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  reserve(key: string, points: number, windowMs: number): Promise<Reservation> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      if (this.windows.size >= 10_000) {
        for (const [k, w] of this.windows) if (now >= w.resetAt) this.windows.delete(k);
      }
      window = { reserved: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.reserved += points;
    return Promise.resolve({ reserved: window.reserved, msLeft: window.resetAt - now });
  }
}

/** What the PostgreSQL store needs of a connection pool (TypeORM's DataSource has it). */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The shared budget in `rate_limits` (key, points, expire as epoch ms), the table rate-limiter-flexible used:
 * one upsert per block, timed by the database's clock so replicas agree on the window.
 */
export class PostgresQuotaStore implements QuotaStore {
  constructor(private readonly db: SqlRunner) {}

  async reserve(key: string, points: number, windowMs: number): Promise<Reservation> {
    const rows = (await this.db.query(
      `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now)
       INSERT INTO rate_limits AS r (key, points, expire)
       SELECT $1, $2, clock.now + $3 FROM clock
       ON CONFLICT (key) DO UPDATE SET
         points = CASE WHEN r.expire IS NULL OR r.expire <= EXCLUDED.expire - $3 THEN $2 ELSE r.points + $2 END,
         expire = CASE WHEN r.expire IS NULL OR r.expire <= EXCLUDED.expire - $3 THEN EXCLUDED.expire ELSE r.expire END
       RETURNING points, expire - (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms_left`,
      [key, points, windowMs],
    )) as { points: number; ms_left: string | number }[];
    const row = rows[0];
    return { reserved: Number(row.points), msLeft: Number(row.ms_left) };
  }
}
