import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import { pendingSchemaChanges } from '@practice-sync/persistence';
import { uniqueName } from '@practice-sync/testing';

import { CONNECTOR_BOOKS, loadConnectorBooksConfig } from '../config/connector-books.config';

describe('connector-books schema', () => {
  it('is fully described by its migrations (no drift)', async () => {
    const options = connectorDatabaseOptions(
      CONNECTOR_BOOKS,
      loadConnectorBooksConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    );
    const schema = uniqueName('drift_connector_books').replace(/[^a-z0-9_]/g, '_');
    expect(await pendingSchemaChanges({ ...options, schema })).toEqual([]);
  });
});
