import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { CONNECTOR_ESIGN, loadConnectorEsignConfig } from '../config/connector-esign.config';

describe('connector-esign schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = connectorDatabaseOptions(
      CONNECTOR_ESIGN,
      loadConnectorEsignConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    );
    const schema = uniqueName('drift_connector_esign').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
