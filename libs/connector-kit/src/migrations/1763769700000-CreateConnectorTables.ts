import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `connector_jobs`: jobs recorded from the job topic and worked by the pool (one row per job attempt; the
 * unique key makes a redelivered message a no-op). `snapshots`: the last complete fetch per client identifier,
 * category and period (natural key → record hash) that "no change" is judged against.
 */
export class CreateConnectorTables1763769700000 implements MigrationInterface {
  name = 'CreateConnectorTables1763769700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connector_jobs (
        id               bigserial PRIMARY KEY,
        job_id           uuid NOT NULL,
        attempt          integer NOT NULL,
        run_id           uuid NOT NULL,
        client_id        uuid NOT NULL,
        firm_id          text NOT NULL,
        request_event_id uuid NOT NULL,
        category         text NOT NULL,
        subject_kind     text NOT NULL,
        subject_value    text NOT NULL,
        period           text,
        status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done')),
        claim_count      integer NOT NULL DEFAULT 0,
        worker_id        text,
        lease_expires_at timestamptz,
        heartbeat_at     timestamptz,
        started_at       timestamptz,
        finished_at      timestamptz,
        outcome          text,
        error_code       text,
        error_message    text,
        counts           jsonb,
        received_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (job_id, attempt)
      )`);
    await q.query(
      `CREATE INDEX connector_jobs_open ON connector_jobs (received_at, id) WHERE status <> 'done'`,
    );
    await q.query(`
      CREATE TABLE snapshots (
        firm_id       text NOT NULL,
        client_id     uuid NOT NULL,
        subject_kind  text NOT NULL,
        subject_value text NOT NULL,
        category      text NOT NULL,
        period        text NOT NULL DEFAULT '',
        combined_hash text NOT NULL,
        record_count  integer NOT NULL,
        records       jsonb NOT NULL,
        job_id        uuid NOT NULL,
        fetched_at    timestamptz NOT NULL,
        PRIMARY KEY (firm_id, client_id, subject_kind, subject_value, category, period)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE snapshots');
    await q.query('DROP TABLE connector_jobs');
  }
}

import { CreatePortalAccess1763900000000 } from './1763900000000-CreatePortalAccess';
import { AddConnectorJobPayload1765000000000 } from './1765000000000-AddConnectorJobPayload';
import { AddConnectorJobTraceParent1765100000000 } from './1765100000000-AddConnectorJobTraceParent';
import { SnapshotRecordsLz41796700000001 } from './1796700000001-SnapshotRecordsLz4';
import { ConnectorJobsOpenByFirm1796700000002 } from './1796700000002-ConnectorJobsOpenByFirm';
import { LoadSnapshotLocked1796800000000 } from './1796800000000-LoadSnapshotLocked';

export const ConnectorKitMigrations = [
  CreateConnectorTables1763769700000,
  CreatePortalAccess1763900000000,
  AddConnectorJobPayload1765000000000,
  AddConnectorJobTraceParent1765100000000,
  SnapshotRecordsLz41796700000001,
  ConnectorJobsOpenByFirm1796700000002,
  LoadSnapshotLocked1796800000000,
];
