import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { loadConnectorItrConfig } from '../config/connector-itr.config';
import { connectorItrDatabaseOptions } from '../database.options';

describe('connector-itr schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = connectorItrDatabaseOptions(
      loadConnectorItrConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    );
    const schema = uniqueName('drift_connector_itr').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
