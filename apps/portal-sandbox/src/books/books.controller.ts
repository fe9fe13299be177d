import { Controller, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { DomainException } from '@practice-sync/problems';
import type { Request, Response } from 'express';

import { SandboxProblemCode } from '../common/sandbox.exception';
import { BooksService } from './books.service';
import { BooksMetrics } from './books-metrics';
import { BooksXmlService } from './books-xml.service';

/** Bodies above this are refused (413); batch imports of about 1,000 objects stay far below it. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Streamed export answers are written in pieces of about this size. */
const WRITE_CHUNK = 64 * 1024;

function readBody(req: Request): Promise<string> {
  if (typeof req.body === 'string') return Promise.resolve(req.body);
  // A JSON or form body was already consumed by Nest's parsers: not Tally XML, answered as an unknown request.
  if (req.readableEnded) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new DomainException({
            code: SandboxProblemCode.PayloadTooLarge,
            status: HttpStatus.PAYLOAD_TOO_LARGE,
            title: 'Payload Too Large',
            detail: 'Split the import into batches',
          }),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function stream(res: Response, pieces: Iterable<string>): Promise<void> {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length < WRITE_CHUNK) continue;
    if (!res.write(buffer)) await new Promise((resolve) => res.once('drain', resolve));
    buffer = '';
  }
  res.end(buffer);
}

/**
 * A Tally-like books server per company: `POST /books/{key}` takes Tally's XML ENVELOPE and answers as
 * Tally does (HTTP 200 even for Tally errors). An offline company resets the connection, as when Tally
 * is closed or unreachable.
 */
@Controller('books')
export class BooksController {
  constructor(
    private readonly books: BooksService,
    private readonly xml: BooksXmlService,
    private readonly metrics: BooksMetrics,
  ) {}

  @Post(':key')
  async serve(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const company = this.books.get(key);
    if (this.books.isOffline(key)) {
      this.metrics.count('offline');
      req.socket.destroy();
      return;
    }
    const answer = this.xml.handle(company, await readBody(req));
    res.status(200).type('text/xml; charset=utf-8');
    this.metrics.count('ok');
    if (answer.kind === 'text') res.send(answer.body);
    else await stream(res, answer.pieces);
  }
}
