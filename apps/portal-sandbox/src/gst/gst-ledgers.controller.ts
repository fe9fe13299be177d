import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { isYearRange } from '@practice-sync/contracts';

import { firstString } from '../common/portal';
import { GST_CODES, gstError } from '../common/portal-errors';
import { parsePeriod } from '../world/dates';
import { ledger } from '../world/gst-ledgers.generator';
import { gstNotices } from '../world/gst-notices.generator';
import { returnRegister } from '../world/gst-taxpayer.generator';
import { WorldService } from '../world/world.service';
import { isError, NO_DATA, parseGstDate, parseRead } from './gst-params';
import type { GstAnswer, GstResult } from './gst-reads.service';
import { GstReadsService } from './gst-reads.service';

type Q = Record<string, unknown>;
const DAY = 86_400_000;

/** Ledgers, notices and the return register (RETTRACK, under /commonapi). */
@Controller('gst')
export class GstLedgersController {
  constructor(
    private readonly world: WorldService,
    private readonly reads: GstReadsService,
  ) {}

  @Get('taxpayerapi/:version/ledgers')
  ledgers(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    const read = parseRead(v, q, h, ['CASH', 'ITC', 'TAX', 'BAL'], false);
    if (isError(read)) return read;
    const range = this.range(read.action, read.period, q);
    if (isError(range)) return range;
    return this.reads.serve(h, read.gstin, (): GstResult => {
      const kind = read.action === 'ITC' ? 'ITC' : 'CASH';
      const l = ledger(this.world.seed, read.gstin, kind, range.from, range.to, this.world.now());
      if (read.action === 'BAL') {
        const itc = ledger(this.world.seed, read.gstin, 'ITC', range.from, range.to, this.world.now());
        return {
          status_cd: '1',
          data: { gstin: read.gstin, ret_period: read.period, cash_bal: l.cl_bal, itc_bal: itc.cl_bal },
        };
      }
      const tr = read.action === 'TAX' ? l.tr.filter((e) => e.tr_typ === 'Db') : l.tr;
      if (tr.length === 0) return gstError(NO_DATA.ledger);
      const dates = { fr_dt: firstString(q.fr_dt) ?? null, to_dt: firstString(q.to_dt) ?? null };
      return {
        status_cd: '1',
        data: {
          gstin: read.gstin,
          ...dates,
          ret_period: read.period || null,
          op_bal: l.op_bal,
          tr,
          cl_bal: l.cl_bal,
        },
      };
    });
  }

  @Get('taxpayerapi/:version/notices')
  notices(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    const read = parseRead(v, q, h, ['LIST', 'DETAIL'], false);
    if (isError(read)) return read;
    const arn = firstString(q.arn);
    if (read.action === 'DETAIL' && !arn) return gstError(GST_CODES.invalidRequest, 'arn is required');
    return this.reads.serve(h, read.gstin, (): GstResult => {
      const all = gstNotices(this.world.seed, read.gstin, this.world.now());
      if (read.action === 'LIST') {
        return all.length === 0
          ? gstError(NO_DATA.ledger)
          : { status_cd: '1', data: { notices: all.reverse() } };
      }
      const notice = all.find((n) => n.arn === arn);
      return notice
        ? { status_cd: '1', data: notice }
        : gstError(GST_CODES.invalidRequest, 'arn: no such notice');
    });
  }

  @Get('commonapi/:version/returns')
  returnTrack(@Param('version') v: string, @Query() q: Q, @Headers() h: Q): GstAnswer {
    const read = parseRead(v, q, h, ['RETTRACK'], false);
    if (isError(read)) return read;
    const fy = firstString(q.fy) ?? '';
    const type = firstString(q.type);
    if (!isYearRange(fy)) return gstError(GST_CODES.invalidRequest, 'fy must be YYYY-YY');
    if (type !== undefined && type !== 'R1' && type !== 'R3B') {
      return gstError(GST_CODES.invalidRequest, 'type must be R1 or R3B');
    }
    return this.reads.serve(h, read.gstin, () => ({
      status_cd: '1',
      data: { EFiledlist: returnRegister(this.world.seed, read.gstin, fy, this.world.now(), type) },
    }));
  }

  private range(
    action: string,
    period: string,
    q: Q,
  ): { from: Date; to: Date } | ReturnType<typeof gstError> {
    if (action === 'TAX' || action === 'BAL') {
      if (!/^(0[1-9]|1[0-2])20\d{2}$/.test(period))
        return gstError(GST_CODES.invalidRequest, 'ret_period must be MMYYYY');
      const { month, year } = parsePeriod(period);
      // The period's liability is settled by its 3B, filed up to about two months later.
      return { from: new Date(Date.UTC(year, month - 1, 1)), to: new Date(Date.UTC(year, month + 2, 0)) };
    }
    const from = parseGstDate(firstString(q.fr_dt));
    const to = parseGstDate(firstString(q.to_dt));
    if (!from || !to || to < from)
      return gstError(GST_CODES.invalidRequest, 'fr_dt and to_dt must be DD-MM-YYYY, fr_dt first');
    if (to.getTime() - from.getTime() > 366 * DAY)
      return gstError(GST_CODES.invalidRequest, 'the range must be at most a year');
    return { from, to };
  }
}
