import type { ServiceDataSourceOptions } from '@practice-sync/persistence';
import { createServiceDataSource, runServiceMigrations } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';
import type { DataSource } from 'typeorm';

import { loadOrchestratorConfig } from '../config/orchestrator.config';
import { orchestratorDatabaseOptions } from '../database.options';
import { CANDIDATES_SQL } from './dispatcher.service';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read from `relation` (returned or filtered out), over all loops. */
function rowsRead(node: PlanNode, relation: string): number {
  const own =
    node['Relation Name'] === relation
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

/** The dispatcher's candidate query on real PostgreSQL, in a schema of its own. */
describe('dispatch candidates', () => {
  let options: ServiceDataSourceOptions;
  let ds: DataSource;
  const runId = '00000000-0000-7000-8000-000000000001';
  const gstJobs = 3000;

  beforeAll(async () => {
    const base = orchestratorDatabaseOptions(
      loadOrchestratorConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    );
    options = { ...base, schema: uniqueName('dispatch_scan_').replace(/[^a-z0-9_]/g, '_') };
    await runServiceMigrations(options);
    ds = createServiceDataSource({ ...options, poolSize: 1 });
    await ds.initialize();
    await ds.query(
      `INSERT INTO sync_runs (id, firm_id, status, selection, categories, period, jobs_total, pending)
       VALUES ($1, 'firm-a', 'running', '{}', ARRAY['gst.gstr1', 'itr.filing_status'], '{}', $2, $2)`,
      [runId, gstJobs + 2],
    );
    // Jobs in id order: every GST job before the two ITR jobs, as a fan-out of many clients leaves them.
    await ds.query(
      `INSERT INTO sync_jobs (id, run_id, firm_id, client_id, category, subject_kind, subject_value, status)
       SELECT lpad(to_hex(g), 32, '0')::uuid, $1, 'firm-a', lpad(to_hex(g), 32, '0')::uuid,
              CASE WHEN g <= $2 THEN 'gst.gstr1' ELSE 'itr.filing_status' END,
              CASE WHEN g <= $2 THEN 'gstin' ELSE 'pan' END, 'subject-' || g, 'pending'
         FROM generate_series(1, $2 + 2) AS g`,
      [runId, gstJobs],
    );
    await ds.query(`ANALYZE sync_jobs`);
  });

  afterAll(async () => {
    await ds?.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`);
    await ds?.destroy();
  });

  it("reads only the pending jobs it returns, however many of the run's other portals are pending", async () => {
    const params = [['gst', 'itr', 'esign'], [8, 8, 8], [], [], [], 8];
    const candidates: { category: string }[] = await ds.query(CANDIDATES_SQL, params);
    expect(candidates.filter((c) => c.category === 'gst.gstr1')).toHaveLength(8);
    expect(candidates.filter((c) => c.category === 'itr.filing_status')).toHaveLength(2);

    const [{ 'QUERY PLAN': plans }] = (await ds.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${CANDIDATES_SQL}`,
      params,
    )) as { 'QUERY PLAN': { Plan: PlanNode }[] }[];
    // Indexed by run alone, the ITR and e-sign scans each read all 3,000 GST jobs to find theirs (or none).
    expect(rowsRead(plans[0].Plan, 'sync_jobs')).toBeLessThanOrEqual(10);
  });
});
