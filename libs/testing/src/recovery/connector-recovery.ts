import type { SyncJobRequested } from '@practice-sync/contracts';
import { portalOf } from '@practice-sync/contracts';
import { Client } from 'pg';

import type { ConnectorHarness } from '../connector/connector-harness';
import type { ConnectorProcess } from '../connector/service-process';
import { waitFor } from '../wait-for';

/** A `connector_jobs` row as the recovery measurement reads it (database timestamps, not this process's clock). */
export interface HeldJobRow {
  status: string;
  claimCount: number;
  workerId: string | null;
  leaseExpiresAt: Date | null;
  heartbeatAt: Date | null;
}

export interface ConnectorRecoveryOptions {
  /** A job the connector takes (one per call: fresh ids). */
  job(): SyncJobRequested;
  /** Makes the portal slow (`true`) so that a job is still held when the connector is killed, or fast again. */
  slowPortal(slow: boolean): Promise<void>;
  /** Restarts with these variables over the harness's (e.g. the same `INSTANCE_ID`). */
  restartEnv?: Record<string, string>;
  /** How long to wait for each result after the restart (default 120 s). */
  timeoutMs?: number;
}

export interface ConnectorRecovery {
  /** The restarted process. */
  connector: ConnectorProcess;
  /** Spawn of the restarted process → its /health/ready (node, Nest, migrations checked, Kafka connected). */
  restartToReadyMs: number;
  /** /health/ready → the result of a job published right then: the intake consumes again. */
  readyToConsumingMs: number;
  /** Spawn → the result of the job the killed process held. */
  restartToHeldJobMs: number;
  /** The held job's row when the process was killed (its lease as the killed process last extended it). */
  heldAtKill: HeldJobRow;
  /** The held job's row once its result came back. */
  heldAfter: HeldJobRow;
  /** The database's time right after the kill and right when the restarted process was ready. */
  killedAtDb: Date;
  readyAtDb: Date;
  /** The database's time when the held job was claimed again (its `started_at` stays the first claim's). */
  reclaimedAt: Date;
  /** Results seen for the held job and for the fresh one (1 each when nothing is doubled). */
  heldResults: number;
  freshResults: number;
}

/**
 * Kills a connector while it holds a job (SIGKILL, mid-fetch), restarts it on the same database and topics, and
 * measures how soon it consumes again and how soon the held job runs again. Times are this process's clock
 * (figures for `npm run bench`); `heldAtKill.leaseExpiresAt` and `reclaimedAt` are the database's, so a spec can
 * assert "re-run before the killed process's lease expired" without reading a clock of its own.
 */
export async function measureConnectorRecovery(
  harness: ConnectorHarness,
  connector: ConnectorProcess,
  options: ConnectorRecoveryOptions,
): Promise<ConnectorRecovery> {
  const probe = harness.kafkaProbe;
  const resultsOf = (jobId: string) => probe.results.filter((e) => e.data.jobId === jobId);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const db = new Client({ connectionString: harness.databaseUrl });
  await db.connect();
  try {
    const schema = await jobsSchema(db);
    const read = async (jobId: string): Promise<HeldJobRow | null> => {
      const { rows } = await db.query<{
        status: string;
        claim_count: number;
        worker_id: string | null;
        lease_expires_at: Date | null;
        heartbeat_at: Date | null;
      }>(
        `SELECT status, claim_count, worker_id, lease_expires_at, heartbeat_at
           FROM ${schema}.connector_jobs WHERE job_id = $1`,
        [jobId],
      );
      const row = rows[0];
      return row
        ? {
            status: row.status,
            claimCount: row.claim_count,
            workerId: row.worker_id,
            leaseExpiresAt: row.lease_expires_at,
            heartbeatAt: row.heartbeat_at,
          }
        : null;
    };

    await options.slowPortal(true);
    const held = options.job();
    await probe.publishJobs(portalOf(held.category), harness.firmId, [held]);
    await waitFor(async () => (await read(held.jobId))?.status === 'running', {
      timeoutMs,
      description: 'the job held by the connector',
    });
    const dbNow = async () => (await db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
    await connector.kill();
    const killedAtDb = await dbNow();
    const heldAtKill = await read(held.jobId);
    if (heldAtKill?.status !== 'running')
      throw new Error('the job was not held when the connector was killed');
    await options.slowPortal(false);

    const spawnedAt = performance.now();
    const restarted = await harness.startAnotherConnector(options.restartEnv);
    const readyAt = performance.now();
    const readyAtDb = await dbNow();
    const fresh = options.job();
    await probe.publishJobs(portalOf(fresh.category), harness.firmId, [fresh]);
    let freshAt = 0;
    let heldAt = 0;
    await waitFor(
      () => {
        const now = performance.now();
        if (!freshAt && resultsOf(fresh.jobId).length) freshAt = now;
        if (!heldAt && resultsOf(held.jobId).length) heldAt = now;
        return freshAt > 0 && heldAt > 0;
      },
      { timeoutMs, intervalMs: 20, description: 'the fresh and the held job results after the restart' },
    );
    // Anything doubled would be relayed within moments.
    await new Promise((r) => setTimeout(r, 1500));
    const heldAfter = await read(held.jobId);
    if (!heldAfter?.heartbeatAt) throw new Error('the held job has no claim after the restart');
    return {
      connector: restarted,
      restartToReadyMs: Math.round(readyAt - spawnedAt),
      readyToConsumingMs: Math.round(freshAt - readyAt),
      restartToHeldJobMs: Math.round(heldAt - spawnedAt),
      heldAtKill,
      heldAfter,
      killedAtDb,
      readyAtDb,
      // The claim sets heartbeat_at; the re-run's job is fast, so no heartbeat moved it since.
      reclaimedAt: heldAfter.heartbeatAt,
      heldResults: distinctIds(resultsOf(held.jobId)),
      freshResults: distinctIds(resultsOf(fresh.jobId)),
    };
  } finally {
    await db.end();
  }
}

function distinctIds(envelopes: { id: string }[]): number {
  return new Set(envelopes.map((e) => e.id)).size;
}

async function jobsSchema(db: Client): Promise<string> {
  const { rows } = await db.query<{ table_schema: string }>(
    `SELECT table_schema FROM information_schema.tables WHERE table_name = 'connector_jobs'`,
  );
  if (rows.length !== 1) throw new Error('expected one connector_jobs table in the harness database');
  return `"${rows[0].table_schema}"`;
}
