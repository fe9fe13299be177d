import { Inject, Injectable } from '@nestjs/common';

import { firstString } from '../common/portal';
import type { GstErrorBody } from '../common/portal-errors';
import { GST_CODES, gstError } from '../common/portal-errors';
import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import type { GstSession } from './gst-auth.service';
import { GstAuthService } from './gst-auth.service';
import { sealRead } from './gst-crypto';

/** What a read handler produces before the session and envelope rules apply. */
export type GstResult = { status_cd: '1' | '2'; data: unknown } | GstErrorBody;
export type GstAnswer = Record<string, unknown>;

export const AUTH_CODES = {
  expired: { error_cd: 'AUTH4038', message: 'Session Expired' },
  tooMany: { error_cd: 'AUTH403', message: 'Too many sessions for the user; try after some time' },
  windowOver: {
    error_cd: 'AUTH4038',
    message: 'The access window enabled by the taxpayer is over; authenticate again with an OTP',
  },
} as const;

/**
 * The session and envelope rules every GST read goes through: with sessions required, the `auth-token`
 * header must name a live session of the GSTIN (AUTH4033 unknown, AUTH4038 expired); with encryption on,
 * a success travels as `{status_cd, data, rek, hmac}` sealed with the session's SEK. Errors are always plain.
 */
@Injectable()
export class GstReadsService {
  constructor(
    private readonly auth: GstAuthService,
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
  ) {}

  serve(headers: Record<string, unknown>, gstin: string, compute: () => GstResult): GstAnswer {
    const found = this.auth.lookup(firstString(headers['auth-token']), gstin);
    let session: GstSession | undefined;
    if (found.kind === 'ok') session = found.session;
    else if (this.config.SANDBOX_REQUIRE_SESSIONS) {
      return found.kind === 'expired' ? gstError(AUTH_CODES.expired) : gstError(GST_CODES.invalidSession);
    }
    const result = compute();
    if (result.status_cd === '0') return result;
    if (this.config.SANDBOX_GST_ENCRYPTION === 'off' || !session) return result;
    return { status_cd: result.status_cd, ...sealRead(session.sek, result.data) };
  }
}
