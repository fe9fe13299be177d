import { Controller, Get, Headers, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';

import { firstString } from '../common/portal';
import { GST_CODES, gstError } from '../common/portal-errors';
import { gstr3bSummary } from '../world/gst-ledgers.generator';
import {
  GSTR1_SECTIONS,
  gstr1aSection,
  gstr1Section,
  GSTR2A_SECTIONS,
  gstr2aSection,
} from '../world/gst-sections.generator';
import { filingDates } from '../world/gst-taxpayer.generator';
import { IMS_SECTIONS, imsInvoices } from '../world/ims.generator';
import { WorldService } from '../world/world.service';
import { isError, NO_DATA, parseRead, QUEUE_PENDING } from './gst-params';
import { GstQueueService, QUEUE_THRESHOLD } from './gst-queue.service';
import type { GstAnswer, GstResult } from './gst-reads.service';
import { GstReadsService } from './gst-reads.service';

type Q = Record<string, unknown>;
type B2bLike = { inv: unknown[] };

/** GSTR-1, GSTR-1A, GSTR-2A, GSTR-3B, IMS and the queued-answer FILEDET call. */
@Controller('gst/taxpayerapi')
export class GstReturnsController {
  constructor(
    private readonly world: WorldService,
    private readonly reads: GstReadsService,
    private readonly queue: GstQueueService,
  ) {}

  @Get(':version/returns/gstr1')
  gstr1(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    return this.section(v, q, h, GSTR1_SECTIONS, NO_DATA.gstr1, (gstin, p, action) =>
      gstr1Section(this.world.sales(gstin, p), action),
    );
  }

  @Get(':version/returns/gstr1a')
  gstr1a(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    return this.section(v, q, h, GSTR1_SECTIONS, NO_DATA.gstr1, (gstin, p, action) =>
      gstr1aSection(this.world.seed, this.world.sales(gstin, p), action),
    );
  }

  @Get(':version/returns/gstr2a')
  gstr2a(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    return this.section(v, q, h, GSTR2A_SECTIONS, NO_DATA.gstr2a, (gstin, p, action) =>
      gstr2aSection(this.world.purchases(gstin, p), action),
    );
  }

  @Get(':version/returns/gstr3b')
  gstr3b(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    const read = parseRead(v, q, h, ['RETSUM', 'AUTOLIAB']);
    if (isError(read)) return read;
    return this.reads.serve(h, read.gstin, () => {
      const filed = filingDates(this.world.seed, read.gstin, read.period).gstr3b;
      if (filed.getTime() > this.world.now().getTime()) return gstError(NO_DATA.gstr3b);
      const summary = gstr3bSummary(this.world.seed, read.gstin, read.period);
      return {
        status_cd: '1',
        data: read.action === 'RETSUM' ? summary : { sup_details: summary.sup_details },
      };
    });
  }

  @Get(':version/returns/ims')
  ims(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    const read = parseRead(v, q, h, ['GETINV'], false);
    if (isError(read)) return read;
    const section = firstString(q.section) ?? '';
    if (!(IMS_SECTIONS as readonly string[]).includes(section)) {
      return gstError(GST_CODES.invalidRequest, `section must be one of ${IMS_SECTIONS.join(', ')}`);
    }
    return this.reads.serve(h, read.gstin, () => {
      const invoices = imsInvoices(this.world, read.gstin, section);
      if (invoices.length === 0) return gstError(NO_DATA.ims);
      return { status_cd: '1', data: { [section.toLowerCase()]: invoices } };
    });
  }

  /** `returns?action=FILEDET&token`: the files of a queued answer, once ready. */
  @Get(':version/returns')
  fileDetails(@Param('version') v: string, @Query() q: Q, @Headers() h: Q, @Req() req: Request): GstAnswer {
    const read = parseRead(v, q, h, ['FILEDET'], false);
    if (isError(read)) return read;
    const token = firstString(q.token) ?? '';
    const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
    return this.reads.serve(h, read.gstin, () => {
      const details = this.queue.details(token, read.gstin, base);
      if (details === null) return gstError(GST_CODES.invalidRequest, 'token: unknown or expired');
      if (details === 'pending') return gstError(QUEUE_PENDING);
      return { status_cd: '1', data: details };
    });
  }

  private section(
    version: string,
    query: Q,
    headers: Q,
    actions: readonly string[],
    noData: { error_cd: string; message: string },
    produce: (gstin: string, period: string, action: string) => unknown,
  ): GstAnswer {
    const read = parseRead(version, query, headers, actions);
    if (isError(read)) return read;
    return this.reads.serve(headers, read.gstin, (): GstResult => {
      if (!this.world.periodStarted(read.period)) return gstError(noData);
      const data = produce(read.gstin, read.period, read.action);
      if (data === null) return gstError(noData);
      return this.maybeQueued(read.gstin, data);
    });
  }

  /** A B2B section above the threshold is queued: status_cd 2 with a token, files of ≤ 500 invoices. */
  private maybeQueued(gstin: string, data: unknown): GstResult {
    const b2b = (data as { b2b?: B2bLike[] }).b2b;
    const total = b2b?.reduce((n, e) => n + e.inv.length, 0) ?? 0;
    if (!b2b || total <= QUEUE_THRESHOLD) return { status_cd: '1', data };
    return { status_cd: '2', data: this.queue.enqueue(gstin, chunk(b2b)) };
  }
}

/** Splits b2b entries into files of at most QUEUE_THRESHOLD invoices, keeping a supplier's run together
 * where it fits and splitting it otherwise. */
function chunk(b2b: B2bLike[]): { body: unknown; ic: number }[] {
  const files: { body: { b2b: B2bLike[] }; ic: number }[] = [];
  let current = { body: { b2b: [] as B2bLike[] }, ic: 0 };
  for (const entry of b2b) {
    let rest = entry.inv;
    while (rest.length > 0) {
      const room = QUEUE_THRESHOLD - current.ic;
      current.body.b2b.push({ ...entry, inv: rest.slice(0, room) });
      current.ic += Math.min(room, rest.length);
      rest = rest.slice(room);
      if (current.ic === QUEUE_THRESHOLD) {
        files.push(current);
        current = { body: { b2b: [] }, ic: 0 };
      }
    }
  }
  if (current.ic > 0) files.push(current);
  return files;
}
