import { gauge, onScrape } from '@practice-sync/observability';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** The counters node-postgres' Pool keeps (TypeORM's Postgres driver holds it as `master`). */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export function poolOf(dataSource: DataSource): PoolCounts | undefined {
  const pool = (dataSource.driver as unknown as { master?: Partial<PoolCounts> }).master;
  return pool && typeof pool.totalCount === 'number' ? (pool as PoolCounts) : undefined;
}

/**
 * `db_pool_connections{state="busy|idle"}` and `db_pool_waiting`: the service's PostgreSQL pool, read from the
 * pool's own counters on scrape (no query). Waiting requests mean the pool is the bottleneck.
 */
export function registerPoolMetrics(registry: Registry, pool: () => PoolCounts | undefined): void {
  const connections = gauge(
    registry,
    'db_pool_connections',
    'PostgreSQL connections in the service pool, by state (busy: checked out, idle)',
    ['state'],
  );
  const waiting = gauge(registry, 'db_pool_waiting', 'Queries waiting for a free PostgreSQL connection');
  onScrape(connections, () => {
    const p = pool();
    connections.reset();
    if (!p) return;
    connections.set({ state: 'busy' }, p.totalCount - p.idleCount);
    connections.set({ state: 'idle' }, p.idleCount);
  });
  onScrape(waiting, () => waiting.set(pool()?.waitingCount ?? 0));
}
