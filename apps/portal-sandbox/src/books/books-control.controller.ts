import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';

import { firstString } from '../common/portal';
import { invalidRequest } from '../common/sandbox.exception';
import { parseBody } from '../control/control.dto';
import type { BooksCompanyResponseDto } from './books.dto';
import { booksFaultSchema, createCompanySchema, objectActionSchema } from './books.dto';
import { BooksService } from './books.service';
import { OBJECT_TYPES } from './books.types';
import type { BooksCompany } from './books-company';
import type { ObjectView } from './books-view';
import { targetOf } from './books-xml-request';

/** Tests and demos steer the books servers here: companies, staff actions, what the books hold, offline. */
@Controller('_sandbox')
export class BooksControlController {
  constructor(private readonly books: BooksService) {}

  @Post('books/companies')
  create(@Body() body: unknown, @Req() req: Request): BooksCompanyResponseDto {
    const { key, name, vouchers } = parseBody(createCompanySchema, body, 'Books company');
    return this.describe(this.books.create(key, name, vouchers ?? 200), req);
  }

  @Get('books/:key')
  company(@Param('key') key: string, @Req() req: Request): BooksCompanyResponseDto {
    return this.describe(this.books.get(key), req);
  }

  @Post('books/:key/objects')
  @HttpCode(200)
  act(@Param('key') key: string, @Body() body: unknown): ObjectView {
    this.books.get(key);
    return this.books.act(key, parseBody(objectActionSchema, body, 'Books object'));
  }

  @Get('books/:key/objects')
  objects(@Param('key') key: string, @Query('type') type: unknown): ObjectView[] {
    this.books.get(key);
    const raw = firstString(type);
    if (raw === undefined || raw === '') return this.books.list(key, undefined);
    const target = targetOf(raw);
    if (!target || target === 'ALLMASTERS' || target === 'DELETED' || target === 'COMPANY') {
      throw invalidRequest(`Unknown object type "${raw}"`, [
        { field: 'type', message: `must be one of ${OBJECT_TYPES.map((t) => t.toLowerCase()).join(', ')}` },
      ]);
    }
    return this.books.list(key, target);
  }

  @Put('faults/books/:key')
  setFaults(@Param('key') key: string, @Body() body: unknown, @Req() req: Request): BooksCompanyResponseDto {
    const { offline } = parseBody(booksFaultSchema, body, `Faults for books ${key}`);
    this.books.setOffline(key, offline);
    return this.describe(this.books.get(key), req);
  }

  private describe(company: BooksCompany, req: Request): BooksCompanyResponseDto {
    return {
      key: company.key,
      name: company.name,
      guid: company.guid,
      booksUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}/books/${encodeURIComponent(company.key)}`,
      offline: this.books.isOffline(company.key),
      lastAlterId: company.lastAlterId,
      counts: Object.fromEntries(OBJECT_TYPES.map((t) => [t, company.count(t)])),
    };
  }
}
