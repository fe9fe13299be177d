import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { gstinProblem, isGstPeriod } from '@practice-sync/contracts';
import { z } from 'zod';

import { firstString } from '../common/portal';
import type { GstErrorBody } from '../common/portal-errors';
import { GST_CODES, gstError } from '../common/portal-errors';
import { pageCount } from '../world/gstr2b.generator';
import { WorldService } from '../world/world.service';
import { GstAuthService } from './gst-auth.service';
import { gstr2bData } from './gstr2b.presenter';

/** The real API sends more fields (app_key, encrypted otp…): they are accepted and ignored. */
const authenticateSchema = z
  .object({
    action: z.enum(['OTPREQUEST', 'AUTHTOKEN', 'REFRESHTOKEN', 'LOGOUT']),
    username: z.string().min(1).optional(),
    otp: z.string().optional(),
    auth_token: z.string().optional(),
  })
  .passthrough();

const VERSION = /^v\d+\.\d+$/;
type GstAnswer = Record<string, unknown> | GstErrorBody;

/** GSTN taxpayer API, plain JSON (the encryption envelope comes later). Errors are HTTP 200, `status_cd: "0"`. */
@Controller('gst/taxpayerapi')
export class GstController {
  constructor(
    private readonly world: WorldService,
    private readonly auth: GstAuthService,
  ) {}

  @Post(':version/authenticate')
  @HttpCode(200)
  authenticate(
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, unknown>,
  ): GstAnswer {
    const parsed = authenticateSchema.safeParse(body);
    if (!VERSION.test(version) || !parsed.success) {
      return gstError(
        GST_CODES.invalidRequest,
        'action must be OTPREQUEST, AUTHTOKEN, REFRESHTOKEN or LOGOUT',
      );
    }
    const gstin = firstString(headers.gstin) ?? '';
    const problem = gstinProblem(gstin);
    if (problem) return gstError(GST_CODES.invalidRequest, `gstin header: ${problem}`);
    const { action, username, otp } = parsed.data;
    const token = parsed.data.auth_token ?? firstString(headers['auth-token']);
    if ((action === 'OTPREQUEST' || action === 'AUTHTOKEN') && !username) {
      return gstError(GST_CODES.invalidRequest, 'username is required');
    }
    switch (action) {
      case 'OTPREQUEST':
        return { status_cd: '1' };
      case 'AUTHTOKEN':
        if (!this.auth.isValidOtp(otp)) return gstError(GST_CODES.invalidOtp);
        return { status_cd: '1', ...this.auth.grant(gstin, username ?? '') };
      case 'REFRESHTOKEN': {
        const grant = token ? this.auth.refresh(token, gstin) : undefined;
        return grant ? { status_cd: '1', ...grant } : gstError(GST_CODES.invalidSession);
      }
      case 'LOGOUT':
        this.auth.logout(token);
        return { status_cd: '1' };
    }
  }

  @Get(':version/returns/gstr2b')
  gstr2b(
    @Param('version') version: string,
    @Query() query: Record<string, unknown>,
    @Headers() headers: Record<string, unknown>,
  ): GstAnswer {
    if (!VERSION.test(version) || firstString(query.action) !== 'GET2B') {
      return gstError(GST_CODES.invalidRequest, 'action must be GET2B');
    }
    const gstin = firstString(query.gstin) ?? firstString(headers.gstin) ?? '';
    const problem = gstinProblem(gstin);
    if (problem) return gstError(GST_CODES.invalidRequest, `gstin: ${problem}`);
    const rtnprd = firstString(query.rtnprd) ?? firstString(headers.ret_period) ?? '';
    if (!isGstPeriod(rtnprd)) return gstError(GST_CODES.invalidRequest, 'rtnprd must be MMYYYY');
    const fileNumText = firstString(query.file_num);
    if (fileNumText !== undefined && !/^[1-9][0-9]{0,4}$/.test(fileNumText)) {
      return gstError(GST_CODES.invalidRequest, 'file_num must be a positive whole number');
    }

    const lookup = this.world.gstr2bFor(gstin, rtnprd);
    if (lookup.kind === 'not_generated') return gstError(GST_CODES.notGenerated);
    const total = lookup.document.invoices.length;
    if (total === 0) return gstError(GST_CODES.noDocument);
    const files = pageCount(total);
    if (fileNumText === undefined) {
      // A large 2B only tells how many files to fetch; a small one is answered whole.
      return files > 1 ? { status_cd: '1', data: { fc: files } } : this.document(lookup.document, null);
    }
    const fileNum = Number(fileNumText);
    if (fileNum > files) return gstError(GST_CODES.invalidRequest, `file_num must be between 1 and ${files}`);
    return this.document(lookup.document, files > 1 ? fileNum : null);
  }

  private document(...args: Parameters<typeof gstr2bData>): GstAnswer {
    return { status_cd: '1', data: { data: gstr2bData(...args) } };
  }
}
