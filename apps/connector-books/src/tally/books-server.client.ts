import type { PortalHttpClient } from '@practice-sync/connector-kit';
import { PortalError, upstreamLabel } from '@practice-sync/connector-kit';
import type { BooksCategory } from '@practice-sync/contracts';

import type { BooksObject, DeletedObject } from './books-objects';
import { deletionsOf, objectsOf } from './books-objects';
import type { ImportResponse } from './import-response';
import { parseImportResponse } from './import-response';
import type { AlterWindow, ImportObject } from './tally-xml';
import {
  collectionOf,
  exportRequestXml,
  importRequestXml,
  nodes,
  NotTallyXml,
  TallyRefusal,
  text,
} from './tally-xml';

/** A company's books server as a job addresses it: its URL (messages name the server by its host) and its id. */
export interface BooksServer {
  companyId: string;
  booksUrl: string;
}

/**
 * Tally's XML over HTTP through the kit's PortalHttpClient: per-server rate limit (the account is the books
 * URL), the breaker, retries of resets and timeouts. A reset (Tally closed, the branch offline) is
 * `portal_unavailable`; an answer that is not Tally's XML, or an envelope-level refusal, is `invalid_response`.
 */
export class BooksServerClient {
  constructor(
    private readonly http: PortalHttpClient,
    private readonly windowSize: number,
  ) {}

  private async post<T>(
    server: BooksServer,
    category: BooksCategory,
    xml: string,
    what: string,
    signal: AbortSignal,
    decode: (body: string, what: string) => T,
  ): Promise<T> {
    // Staff tell books servers apart by the address the firm entered, not by a company id they never see; the
    // kit names the server by its host in the failures it maps (upstream `books`).
    const label = `${what} (${upstreamLabel(this.http.upstream, server.booksUrl)})`;
    return this.http.request(
      {
        category,
        path: server.booksUrl,
        method: 'POST',
        rawBody: { contentType: 'text/xml; charset=utf-8', text: xml },
        headers: { accept: 'text/xml' },
        responseType: 'text',
        signal,
        what,
        account: server.booksUrl,
      },
      (body) => {
        try {
          return decode(String(body), label);
        } catch (error) {
          if (error instanceof NotTallyXml || error instanceof TallyRefusal) {
            throw new PortalError('invalid_response', error.message, { cause: error });
          }
          throw error;
        }
      },
    );
  }

  /** The highest ALTERID the company has given (its counter covers creates, alters and deletes). */
  lastAlterId(server: BooksServer, category: BooksCategory, signal: AbortSignal): Promise<number> {
    return this.post(
      server,
      category,
      exportRequestXml('Company'),
      'reading the company',
      signal,
      (body, what) => {
        const [company] = nodes(collectionOf(body, what).COMPANY);
        const last = Number(text(company?.LASTALTERID));
        if (!company || !Number.isInteger(last)) throw new NotTallyXml(what);
        return last;
      },
    );
  }

  /** The ALTERID pages (`BOOKS_EXPORT_WINDOW` wide) that cover a window, oldest first. */
  pages(window: AlterWindow): AlterWindow[] {
    const out: AlterWindow[] = [];
    for (let after = window.after; after < window.upTo; after += this.windowSize) {
      out.push({ after, upTo: Math.min(window.upTo, after + this.windowSize) });
    }
    return out;
  }

  /** Objects of a type changed in one page (after, upTo]: one export request. */
  changedPage(
    server: BooksServer,
    category: BooksCategory,
    type: 'All Masters' | 'Voucher',
    page: AlterWindow,
    signal: AbortSignal,
  ): Promise<BooksObject[]> {
    const xml = exportRequestXml(type, page);
    return this.post(server, category, xml, `export of ${type}`, signal, (body, what) =>
      objectsOf(collectionOf(body, what)),
    );
  }

  /** Objects of a type changed in (after, upTo], read in ALTERID pages and returned together. */
  async changed(
    server: BooksServer,
    category: BooksCategory,
    type: 'All Masters' | 'Voucher',
    window: AlterWindow,
    signal: AbortSignal,
  ): Promise<BooksObject[]> {
    const out: BooksObject[] = [];
    for (const page of this.pages(window)) {
      for (const o of await this.changedPage(server, category, type, page, signal)) out.push(o);
    }
    return out;
  }

  deleted(
    server: BooksServer,
    category: BooksCategory,
    window: AlterWindow,
    signal: AbortSignal,
  ): Promise<DeletedObject[]> {
    const xml = exportRequestXml('Deleted Objects', window);
    return this.post(server, category, xml, 'export of deletions', signal, (body, what) =>
      deletionsOf(collectionOf(body, what)),
    );
  }

  /** Every master the company holds (what a receiver has, what a sender can bring along). */
  masters(server: BooksServer, category: BooksCategory, signal: AbortSignal): Promise<BooksObject[]> {
    return this.post(
      server,
      category,
      exportRequestXml('All Masters'),
      'export of masters',
      signal,
      (body, what) => objectsOf(collectionOf(body, what)),
    );
  }

  import(
    server: BooksServer,
    category: BooksCategory,
    objects: readonly ImportObject[],
    signal: AbortSignal,
  ): Promise<ImportResponse> {
    const xml = importRequestXml(objects);
    return this.post(
      server,
      category,
      xml,
      `import of ${objects.length} object(s)`,
      signal,
      parseImportResponse,
    );
  }
}
