import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitContext, ConnectorKitModule, CredentialCipher } from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

import type { ConnectorBooksConfig } from './config/connector-books.config';
import { CONNECTOR_BOOKS } from './config/connector-books.config';
import { BooksHold } from './hold/books-hold';
import { systemHoldClock, urlHoldClock } from './hold/hold-clock';
import { HoldStore } from './hold/hold-store';
import { ObjectErrorsController } from './object-errors/object-errors.controller';
import { SnapshotMetrics } from './snapshot/snapshot.metrics';
import { BooksJobRouter, SnapshotJobHandler } from './snapshot/snapshot-job.handler';
import { SnapshotStore } from './snapshot/snapshot-store';
import { BooksJobHandler } from './sync/books-job.handler';
import { BooksStore } from './sync/books-store';
import { BooksServerClient } from './tally/books-server.client';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorBooksConfig): DynamicModule {
    const module = ConnectorKitModule.forConnector(CONNECTOR_BOOKS, config, () => ({
      controllers: [ObjectErrorsController],
      produces: [Topics.BooksResults, Topics.BooksChanges],
      // Each company has its own books server: one offline branch must not pause every link.
      breakerPer: 'origin',
      providers: [
        { provide: BooksStore, inject: [DataSource], useFactory: (ds: DataSource) => new BooksStore(ds) },
        // Held changes are sealed with the kit's cipher (the connectors' keyring, as portal credentials are).
        {
          provide: HoldStore,
          inject: [DataSource, CredentialCipher],
          useFactory: (ds: DataSource, cipher: CredentialCipher) => new HoldStore(ds, cipher),
        },
      ],
      handler: {
        inject: [ConnectorKitContext, BooksStore, HoldStore, DataSource, CredentialCipher, METRICS_REGISTRY],
        useFactory: (
          kit: ConnectorKitContext,
          store: BooksStore,
          holdStore: HoldStore,
          dataSource: DataSource,
          cipher: CredentialCipher,
          registry: Registry,
        ) => {
          const client = new BooksServerClient(kit.http, config.BOOKS_EXPORT_WINDOW);
          const clock = config.BOOKS_CLOCK_URL ? urlHoldClock(config.BOOKS_CLOCK_URL) : systemHoldClock;
          const hold = new BooksHold(holdStore, client, clock, config.BOOKS_HOLD_MS);
          return new BooksJobRouter(
            new BooksJobHandler(client, store, config.BOOKS_IMPORT_BATCH_SIZE, hold),
            new SnapshotJobHandler(
              client,
              store,
              new SnapshotStore(dataSource, cipher),
              dataSource,
              new SnapshotMetrics(registry),
              { chunkSize: config.BOOKS_SNAPSHOT_CHUNK_SIZE, exportBatch: config.BOOKS_IMPORT_BATCH_SIZE },
            ),
          );
        },
      },
    }));
    return { module: AppModule, imports: [module] };
  }
}
