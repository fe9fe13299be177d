import { Controller, Get, Headers, Param, Query } from '@nestjs/common';

import { firstString } from '../common/portal';
import { GST_CODES, gstError } from '../common/portal-errors';
import { pageCount } from '../world/gstr2b.generator';
import { WorldService } from '../world/world.service';
import { isError, parseRead } from './gst-params';
import type { GstAnswer, GstResult } from './gst-reads.service';
import { GstReadsService } from './gst-reads.service';
import { gstr2bData } from './gstr2b.presenter';

/** GSTR-2B: large returns give a file count `fc` and are paged with `file_num`. */
@Controller('gst/taxpayerapi')
export class GstController {
  constructor(
    private readonly world: WorldService,
    private readonly reads: GstReadsService,
  ) {}

  @Get(':version/returns/gstr2b')
  gstr2b(
    @Param('version') version: string,
    @Query() query: Record<string, unknown>,
    @Headers() headers: Record<string, unknown>,
  ): GstAnswer {
    const read = parseRead(version, query, headers, ['GET2B']);
    if (isError(read)) return read;
    const fileNumText = firstString(query.file_num);
    if (fileNumText !== undefined && !/^[1-9][0-9]{0,4}$/.test(fileNumText)) {
      return gstError(GST_CODES.invalidRequest, 'file_num must be a positive whole number');
    }
    return this.reads.serve(headers, read.gstin, () => this.answer(read.gstin, read.period, fileNumText));
  }

  private answer(gstin: string, rtnprd: string, fileNumText: string | undefined): GstResult {
    const lookup = this.world.gstr2bFor(gstin, rtnprd);
    if (lookup.kind === 'not_generated') return gstError(GST_CODES.notGenerated);
    const total = lookup.document.invoices.length;
    if (total === 0) return gstError(GST_CODES.noDocument);
    const files = pageCount(total);
    if (fileNumText === undefined) {
      // A large 2B only tells how many files to fetch; a small one is answered whole.
      return files > 1
        ? { status_cd: '1', data: { fc: files } }
        : { status_cd: '1', data: { data: gstr2bData(lookup.document, null) } };
    }
    const fileNum = Number(fileNumText);
    if (fileNum > files) return gstError(GST_CODES.invalidRequest, `file_num must be between 1 and ${files}`);
    return { status_cd: '1', data: { data: gstr2bData(lookup.document, files > 1 ? fileNum : null) } };
  }
}
