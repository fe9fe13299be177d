import type { ServiceDataSourceOptions } from '@practice-sync/persistence';
import { createServiceDataSource, runServiceMigrations } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';
import type { DataSource, EntityManager } from 'typeorm';

import { loadOrchestratorConfig } from '../config/orchestrator.config';
import { orchestratorDatabaseOptions } from '../database.options';
import { CANDIDATES_SQL, DISPATCH_LOCK_SQL, IN_FLIGHT_SQL } from './pending-jobs.step';

interface PlanNode {
  'Node Type': string;
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

/** Every node type of the plan. */
function nodeTypes(node: PlanNode): string[] {
  return [node['Node Type'], ...(node.Plans ?? []).flatMap(nodeTypes)];
}

async function planOf(
  ds: DataSource | EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<PlanNode> {
  const [{ 'QUERY PLAN': plans }] = (await ds.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)) as {
    'QUERY PLAN': { Plan: PlanNode }[];
  }[];
  return plans[0].Plan;
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
    // The run's history: jobs done long ago, as most of a busy table is.
    await ds.query(
      `INSERT INTO sync_jobs (id, run_id, firm_id, client_id, category, subject_kind, subject_value, status)
       SELECT lpad(to_hex(g), 32, '0')::uuid, $1, 'firm-a', lpad(to_hex(g), 32, '0')::uuid, 'gst.gstr1',
              'gstin', 'subject-' || g, 'done'
         FROM generate_series($2 + 3, $2 + 30000) AS g`,
      [runId, gstJobs],
    );
    await ds.query(`ANALYZE sync_jobs`);
  });

  afterAll(async () => {
    await ds?.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`);
    await ds?.destroy();
  });

  it("reads only the pending jobs it returns, however many of the run's other portals are pending", async () => {
    const params = [['gst', 'itr', 'esign'], [8, 8, 8], [], [], [], 8, 30_000];
    const candidates: { category: string }[] = await ds.query(CANDIDATES_SQL, params);
    expect(candidates.filter((c) => c.category === 'gst.gstr1')).toHaveLength(8);
    expect(candidates.filter((c) => c.category === 'itr.filing_status')).toHaveLength(2);

    // Indexed by run alone, the ITR and e-sign scans each read all 3,000 GST jobs to find theirs (or none).
    expect(rowsRead(await planOf(ds, CANDIDATES_SQL, params), 'sync_jobs')).toBeLessThanOrEqual(10);
  });

  it('reads as few rows with the generic plan a prepared statement may settle on', async () => {
    // The services run parameterised statements prepared (libs/persistence); after five runs PostgreSQL may
    // keep one generic plan, made without the parameters' values. Forced here, so the test does not depend on
    // the planner's cost comparison.
    await ds.transaction(async (manager) => {
      await manager.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await manager.query(
        `PREPARE candidates(text[], int[], text[], text[], int[], int, int) AS ${CANDIDATES_SQL}`,
      );
      try {
        const plan = await planOf(
          manager,
          `EXECUTE candidates('{gst,itr,esign}', '{8,8,8}', '{}', '{}', '{}', 8, 30000)`,
        );
        expect(rowsRead(plan, 'sync_jobs')).toBeLessThanOrEqual(10);
        expect(plan['Actual Rows']).toBe(10);
      } finally {
        await manager.query('DEALLOCATE candidates');
      }
    });
  });

  it('counts the jobs in flight through the index, not a bitmap of it, within a pass', async () => {
    // Some jobs in flight, scattered over the table, deadlines in no particular order: the planner left to
    // itself reads them through a bitmap.
    await ds.query(
      `UPDATE sync_jobs
          SET status = 'running', attempts = 1,
              deadline_at = now() + (hashtext(id::text) % 3600) * interval '1 second'
        WHERE status = 'done' AND hashtext(id::text) % 400 = 0`,
    );
    await ds.query(`ANALYZE sync_jobs`);
    expect(nodeTypes(await planOf(ds, IN_FLIGHT_SQL))).toContain('Bitmap Heap Scan');
    await ds.transaction(async (manager) => {
      expect(await manager.query(DISPATCH_LOCK_SQL)).toEqual([expect.objectContaining({ locked: true })]);
      const types = nodeTypes(await planOf(manager, IN_FLIGHT_SQL));
      expect(types).toContain('Index Scan');
      expect(types).not.toContain('Bitmap Heap Scan');
    });
  });
});
