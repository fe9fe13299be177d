import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { gatewayDataSourceOptions } from '../gateway-data-source';

describe('gateway schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = gatewayDataSourceOptions({ DATABASE_URL: process.env.DATABASE_URL ?? '' });
    const schema = uniqueName('drift_gateway_').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
