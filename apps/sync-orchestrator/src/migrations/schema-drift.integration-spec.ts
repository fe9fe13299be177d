import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { loadOrchestratorConfig } from '../config/orchestrator.config';
import { orchestratorDatabaseOptions } from '../database.options';

describe('sync-orchestrator schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = orchestratorDatabaseOptions(
      loadOrchestratorConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    );
    const schema = uniqueName('drift_sync_orchestrator_').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
