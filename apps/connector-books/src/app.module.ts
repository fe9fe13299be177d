import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitContext, ConnectorKitModule } from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { DataSource } from 'typeorm';

import type { ConnectorBooksConfig } from './config/connector-books.config';
import { CONNECTOR_BOOKS } from './config/connector-books.config';
import { ObjectErrorsController } from './object-errors/object-errors.controller';
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
      ],
      handler: {
        inject: [ConnectorKitContext, BooksStore],
        useFactory: (kit: ConnectorKitContext, store: BooksStore) =>
          new BooksJobHandler(
            new BooksServerClient(kit.http, config.BOOKS_EXPORT_WINDOW),
            store,
            config.BOOKS_IMPORT_BATCH_SIZE,
          ),
      },
    }));
    return { module: AppModule, imports: [module] };
  }
}
