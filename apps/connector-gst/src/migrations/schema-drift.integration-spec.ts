import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { CONNECTOR_GST, loadConnectorGstConfig } from '../config/connector-gst.config';

describe('connector-gst schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = connectorDatabaseOptions(
      CONNECTOR_GST,
      loadConnectorGstConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    );
    const schema = uniqueName('drift_connector_gst').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
