import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitContext, ConnectorKitModule, CredentialCipher } from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { DataSource } from 'typeorm';

import type { ConnectorBooksConfig } from './config/connector-books.config';
import { CONNECTOR_BOOKS } from './config/connector-books.config';
import { ConflictResolver } from './conflicts/conflict-resolver';
import { ConflictsController } from './conflicts/conflicts.controller';
import { ConflictsStore } from './conflicts/conflicts-store';
import { ObjectErrorsController } from './object-errors/object-errors.controller';
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
        inject: [BooksServerClient, BooksStore, ConflictsStore],
        useFactory: (client: BooksServerClient, store: BooksStore, conflicts: ConflictsStore) =>
          new BooksJobHandler(client, store, config.BOOKS_IMPORT_BATCH_SIZE, conflicts),
      },
    }));
    return { module: AppModule, imports: [module] };
  }
}
