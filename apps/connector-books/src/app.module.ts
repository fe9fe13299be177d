import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitContext, ConnectorKitModule, CredentialCipher } from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

import type { ConnectorBooksConfig } from './config/connector-books.config';
import { CONNECTOR_BOOKS } from './config/connector-books.config';
import { ConflictResolver } from './conflicts/conflict-resolver';
import { ConflictsController } from './conflicts/conflicts.controller';
import { ConflictsStore } from './conflicts/conflicts-store';
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
      controllers: [ObjectErrorsController, ConflictsController],
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
        {
          provide: BooksServerClient,
          inject: [ConnectorKitContext],
          useFactory: (kit: ConnectorKitContext) =>
            new BooksServerClient(kit.http, config.BOOKS_EXPORT_WINDOW),
        },
        {
          provide: ConflictsStore,
          inject: [DataSource, CredentialCipher],
          useFactory: (ds: DataSource, cipher: CredentialCipher) => new ConflictsStore(ds, cipher),
        },
        {
          provide: ConflictResolver,
          inject: [ConflictsStore, BooksServerClient],
          useFactory: (store: ConflictsStore, client: BooksServerClient) =>
            new ConflictResolver(store, client),
        },
      ],
      handler: {
        inject: [
          BooksServerClient,
          BooksStore,
          HoldStore,
          ConflictsStore,
          DataSource,
          CredentialCipher,
          METRICS_REGISTRY,
        ],
        useFactory: (
          client: BooksServerClient,
          store: BooksStore,
          holdStore: HoldStore,
          conflicts: ConflictsStore,
          dataSource: DataSource,
          cipher: CredentialCipher,
          registry: Registry,
        ) => {
          const clock = config.BOOKS_CLOCK_URL ? urlHoldClock(config.BOOKS_CLOCK_URL) : systemHoldClock;
          const hold = new BooksHold(holdStore, client, clock, config.BOOKS_HOLD_MS);
          return new BooksJobRouter(
            new BooksJobHandler(client, store, config.BOOKS_IMPORT_BATCH_SIZE, conflicts, hold),
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
