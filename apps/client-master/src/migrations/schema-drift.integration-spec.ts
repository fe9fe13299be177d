import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { clientMasterDataSourceOptions } from '../client-master-data-source';

describe('client-master schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = clientMasterDataSourceOptions({ DATABASE_URL: process.env.DATABASE_URL ?? '' });
    const schema = uniqueName('drift_client_master_').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
