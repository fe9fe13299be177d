import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { loadConnectorEsignConfig } from '../config/connector-esign.config';
import { connectorEsignDatabaseOptions } from '../database.options';

describe('connector-esign schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = connectorEsignDatabaseOptions(
      loadConnectorEsignConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    );
    const schema = uniqueName('drift_connector_esign').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
