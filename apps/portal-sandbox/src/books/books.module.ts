import { Module } from '@nestjs/common';

import { BooksController } from './books.controller';
import { BooksService } from './books.service';
import { BooksControlController } from './books-control.controller';
import { BooksMetrics } from './books-metrics';
import { BooksXmlService } from './books-xml.service';

/** The fourth portal family: Tally-like books servers, one per company (README "Books"). */
@Module({
  controllers: [BooksController, BooksControlController],
  providers: [BooksService, BooksXmlService, BooksMetrics],
  exports: [BooksService],
})
export class BooksModule {}
