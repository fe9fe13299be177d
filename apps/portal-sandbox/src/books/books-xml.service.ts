import { Injectable } from '@nestjs/common';

import type { BooksCompany } from './books-company';
import { exportXml, importResponseXml, statusZero, UNKNOWN_REQUEST } from './books-xml-render';
import type { ExportTarget } from './books-xml-request';
import { parseBooksRequest } from './books-xml-request';

/** The answer to one XML request: a whole string, or pieces to stream. */
export type BooksAnswer = { kind: 'text'; body: string } | { kind: 'stream'; pieces: Iterable<string> };

/** Tally's XML interface over one company's books (pure apart from changing the books on import). */
@Injectable()
export class BooksXmlService {
  handle(company: BooksCompany, xml: string): BooksAnswer {
    const request = parseBooksRequest(xml);
    if (request.kind === 'unknown') return { kind: 'text', body: UNKNOWN_REQUEST };
    if (request.company && request.company.toLowerCase() !== company.name.toLowerCase()) {
      return { kind: 'text', body: statusZero(`Could not set 'SVCurrentCompany' to '${request.company}'`) };
    }
    if (request.kind === 'export') {
      if (!request.target)
        return { kind: 'text', body: statusZero(`Could not find Collection '${request.id}'!`) };
      return { kind: 'stream', pieces: exportXml(company, request.target as ExportTarget, request.window) };
    }
    if (!/^(all masters|vouchers)$/i.test(request.id)) {
      return { kind: 'text', body: statusZero(`Could not find Report '${request.id}'!`) };
    }
    const outcomes = request.items.map((item) =>
      'error' in item
        ? { outcome: { kind: 'error' as const, error: item.error }, guid: item.guid }
        : { outcome: company.apply(item.action, item.input), guid: item.input.guid },
    );
    return { kind: 'text', body: importResponseXml(outcomes, company.counters()) };
  }
}
