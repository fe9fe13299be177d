import { Body, Controller, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { gstinProblem } from '@practice-sync/contracts';
import { z } from 'zod';

import { firstString } from '../common/portal';
import { GST_CODES, gstError } from '../common/portal-errors';
import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import type { GstLock, GstSession } from './gst-auth.service';
import { GstAuthService } from './gst-auth.service';
import { aesDecryptB64, aesEncryptB64, rsaDecryptB64 } from './gst-crypto';
import { GstKeysService } from './gst-keys.service';
import type { GstAnswer } from './gst-reads.service';
import { AUTH_CODES } from './gst-reads.service';

const authenticateSchema = z
  .object({
    action: z.enum(['OTPREQUEST', 'AUTHTOKEN', 'REFRESHTOKEN', 'LOGOUT']),
    username: z.string().min(1).optional(),
    app_key: z.string().min(1).optional(),
    otp: z.string().optional(),
    auth_token: z.string().optional(),
  })
  .passthrough();
type AuthRequest = z.output<typeof authenticateSchema>;

const VERSION = /^v\d+\.\d+$/;
const badRequest = (message: string) => gstError(GST_CODES.invalidRequest, message);

/**
 * `POST /gst/taxpayerapi/{v}/authenticate`: OTPREQUEST → AUTHTOKEN → REFRESHTOKEN → LOGOUT. With encryption
 * on, the app_key travels RSA-encrypted (AES-encrypted with the current SEK on REFRESHTOKEN), the OTP
 * AES-encrypted with the app_key, and the SEK comes back AES-encrypted with the app_key.
 */
@Controller('gst/taxpayerapi')
export class GstAuthController {
  constructor(
    private readonly auth: GstAuthService,
    private readonly keys: GstKeysService,
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
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
      return badRequest('action must be OTPREQUEST, AUTHTOKEN, REFRESHTOKEN or LOGOUT');
    }
    const gstin = firstString(headers.gstin) ?? '';
    const problem = gstinProblem(gstin);
    if (problem) return badRequest(`gstin header: ${problem}`);
    const req = parsed.data;
    const username = req.username ?? firstString(headers.username);
    const token = req.auth_token ?? firstString(headers['auth-token']);
    if ((req.action === 'OTPREQUEST' || req.action === 'AUTHTOKEN') && !username) {
      return badRequest('username is required');
    }
    switch (req.action) {
      case 'OTPREQUEST': {
        const locked = this.auth.lockOf(gstin);
        if (locked) return this.lockedOut(locked);
        return this.encrypted() && !this.appKey(req)
          ? badRequest('app_key: not RSA-encrypted with the GSTN key')
          : { status_cd: '1' };
      }
      case 'AUTHTOKEN':
        return this.authToken(gstin, username ?? '', req);
      case 'REFRESHTOKEN':
        return this.refresh(gstin, token, req);
      case 'LOGOUT':
        this.auth.logout(token);
        return { status_cd: '1' };
    }
  }

  private authToken(gstin: string, username: string, req: AuthRequest): GstAnswer {
    const appKey = this.encrypted() ? this.appKey(req) : undefined;
    if (this.encrypted() && !appKey) return badRequest('app_key: not RSA-encrypted with the GSTN key');
    const otp = appKey ? decrypt(appKey, req.otp)?.toString('utf8') : req.otp;
    if (otp === undefined)
      return gstError(GST_CODES.invalidSession, 'otp: not AES-encrypted with the app_key');
    if (!this.auth.isValidOtp(otp)) return gstError(GST_CODES.invalidOtp);
    const locked = this.auth.admitSession(gstin);
    if (locked) return this.lockedOut(locked);
    return this.grant(this.auth.open(gstin, username), appKey);
  }

  private refresh(gstin: string, token: string | undefined, req: AuthRequest): GstAnswer {
    const current = this.auth.lookup(token, gstin);
    if (current.kind === 'unknown') return gstError(GST_CODES.invalidSession);
    if (current.kind !== 'ok') return gstError(AUTH_CODES.expired);
    // The new app_key is AES-encrypted with the SEK of the session being refreshed.
    const appKey = this.encrypted() ? decrypt(current.session.sek, req.app_key) : undefined;
    if (this.encrypted() && appKey?.length !== 32)
      return badRequest('app_key: not AES-encrypted with the SEK');
    const next = this.auth.refresh(token, gstin);
    if (next.kind === 'window_over') return gstError(AUTH_CODES.windowOver);
    return next.kind === 'ok' ? this.grant(next.session, appKey) : gstError(AUTH_CODES.expired);
  }

  /** AUTH403 with when the lock ends (the portal's message is the only place it can say so). */
  private lockedOut(lock: GstLock): GstAnswer {
    const minutes = Math.max(1, Math.ceil((lock.untilMs - this.auth.nowMs()) / 60_000));
    const until = new Date(lock.untilMs).toISOString();
    return gstError(
      AUTH_CODES.tooMany,
      `Too many sessions for the user; API access for this GSTIN is locked until ${until} (${minutes} minutes)`,
    );
  }

  private grant(session: GstSession, appKey: Buffer | undefined): GstAnswer {
    const sek = appKey ? aesEncryptB64(appKey, session.sek) : session.sek.toString('base64');
    return { status_cd: '1', auth_token: session.token, expiry: 360, sek };
  }

  private encrypted(): boolean {
    return this.config.SANDBOX_GST_ENCRYPTION === 'on';
  }

  private appKey(req: AuthRequest): Buffer | undefined {
    try {
      const key = req.app_key ? rsaDecryptB64(this.keys.privateKey(), req.app_key) : undefined;
      return key?.length === 32 ? key : undefined;
    } catch {
      return undefined;
    }
  }
}

function decrypt(key: Buffer, b64: string | undefined): Buffer | undefined {
  try {
    return b64 ? aesDecryptB64(key, b64) : undefined;
  } catch {
    return undefined;
  }
}
