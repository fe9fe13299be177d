import { Body, Controller, Headers, Inject, Param, Post, Res } from '@nestjs/common';
import { panProblem } from '@practice-sync/contracts';
import type { Response } from 'express';
import { z } from 'zod';

import { itrError, itrOk } from '../common/portal-errors';
import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import { allowItr, itrToken } from './itr-access';
import { ItrSessionService } from './itr-session.service';

const loginSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  userId: z.string().min(1),
  password: z.string().min(1),
});

/** ERI requests may come wrapped as `{data: base64(json), sign}`; the signature is not checked. */
function unwrap(body: unknown): unknown {
  if (typeof body === 'object' && body !== null && 'data' in body && typeof body.data === 'string') {
    try {
      return JSON.parse(Buffer.from(body.data, 'base64').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
  return body;
}

/** The e-Return Intermediary login and the taxpayers' consent (Add Client with an OTP). */
@Controller('itr/eri/v1')
export class ItrAuthController {
  constructor(
    private readonly sessions: ItrSessionService,
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
  ) {}

  @Post('login')
  login(@Body() body: unknown, @Res() res: Response): void {
    if (!loginSchema.safeParse(unwrap(body)).success) {
      res.status(400).json(itrError(400, 'clientId, clientSecret, userId and password are required'));
      return;
    }
    res
      .status(200)
      .json(itrOk(this.sessions.login(), [{ code: 'EF00000', type: 'INFO', desc: 'Login successful' }]));
  }

  @Post('logout')
  logout(@Headers() headers: Record<string, unknown>, @Res() res: Response): void {
    this.sessions.logout(itrToken(headers));
    res.status(200).json(itrOk(null));
  }

  @Post('clients/:pan/consent/otp')
  requestOtp(
    @Param('pan') pan: string,
    @Headers() headers: Record<string, unknown>,
    @Res() res: Response,
  ): void {
    if (
      !this.validPan(pan, res) ||
      !allowItr(this.config.SANDBOX_REQUIRE_SESSIONS, this.sessions, headers, res)
    )
      return;
    this.sessions.requestConsentOtp(pan);
    res.status(200).json(itrOk({ otpSentTo: 'the mobile number and e-mail registered for the PAN' }));
  }

  @Post('clients/:pan/consent')
  confirm(
    @Param('pan') pan: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, unknown>,
    @Res() res: Response,
  ): void {
    if (
      !this.validPan(pan, res) ||
      !allowItr(this.config.SANDBOX_REQUIRE_SESSIONS, this.sessions, headers, res)
    )
      return;
    const otp = (unwrap(body) as { otp?: unknown } | undefined)?.otp;
    const result = this.sessions.confirmConsent(pan, typeof otp === 'string' ? otp : undefined);
    if (result === 'no_otp')
      res.status(400).json(itrError(400, 'Request an OTP for this PAN first', 'OTP_NOT_REQUESTED'));
    else if (result === 'invalid') res.status(400).json(itrError(400, 'Invalid OTP', 'OTP_INVALID'));
    else res.status(200).json(itrOk({ pan, consent: true }));
  }

  private validPan(pan: string, res: Response): boolean {
    const problem = panProblem(pan);
    if (problem) res.status(400).json(itrError(400, `pan ${problem}`));
    return problem === null;
  }
}
