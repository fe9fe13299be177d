import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { gstinProblem } from '@practice-sync/contracts';
import { NotFoundProblem } from '@practice-sync/problems';

import { invalidRequest } from '../common/sandbox.exception';
import { accessWindowHours } from '../world/gst-taxpayer.generator';
import { invoiceCount, isGenerated } from '../world/gstr2b.generator';
import { WorldService } from '../world/world.service';
import { GstKeysService } from './gst-keys.service';
import { GstQueueService } from './gst-queue.service';

/**
 * What the real GSTN distributes out of band (its public key) or serves from elsewhere (queued files), plus
 * what a test needs to know about a taxpayer (its access window).
 */
@Controller('gst')
export class GstSandboxController {
  constructor(
    private readonly keys: GstKeysService,
    private readonly queue: GstQueueService,
    private readonly world: WorldService,
  ) {}

  @Get('_sandbox/public-key')
  publicKey(): { publicKey: string; padding: string } {
    return { publicKey: this.keys.publicKeyPem(), padding: 'RSA-OAEP (SHA-1)' };
  }

  /**
   * What a test needs to know about a taxpayer: its access window and, with `?period=MMYYYY`, what that
   * period's GSTR-2B holds (so a test can check a sync's totals against the world without fetching it).
   */
  @Get('_sandbox/taxpayers/:gstin')
  taxpayer(
    @Param('gstin') gstin: string,
    @Query('period') period?: string,
  ): {
    gstin: string;
    accessWindowHours: number;
    gstr2b?: { period: string; generated: boolean; invoices: number };
  } {
    const problem = gstinProblem(gstin);
    if (problem) throw invalidRequest(`Invalid GSTIN`, [{ field: 'gstin', message: problem }]);
    if (period !== undefined && !/^(0[1-9]|1[0-2])\d{4}$/.test(period)) {
      throw invalidRequest('Invalid period', [{ field: 'period', message: 'must be MMYYYY, e.g. 042026' }]);
    }
    return {
      gstin,
      accessWindowHours: accessWindowHours(this.world.seed, gstin),
      ...(period
        ? {
            gstr2b: {
              period,
              generated: isGenerated(period, this.world.now()),
              invoices: invoiceCount(this.world.seed, gstin, period),
            },
          }
        : {}),
    };
  }

  /** A queued answer's file: base64(AES-256-ECB(ek, json)); its SHA-256 is the `hash` FILEDET gave. */
  @Get('files/:token/:n')
  @Header('content-type', 'text/plain; charset=utf-8')
  file(@Param('token') token: string, @Param('n') n: string): string {
    const body = this.queue.file(token, Number(n));
    if (body === undefined) throw new NotFoundProblem(`No file ${n} for this token`, 'Not Found');
    return body;
  }
}
