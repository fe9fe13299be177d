import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { connectorProblem, isPortalError } from '@practice-sync/connector-kit';
import { gstinProblem } from '@practice-sync/contracts';
import { GstCredentialRequestDto, OtpRequestDto } from '@practice-sync/validation';

import { GstAuthRefused, GstSessionService } from '../gst-api/gst-session.service';

/** Portal access per GSTIN: the username (an OTP is sent), then the OTP (the session opens). */
@Controller('internal/v1/firms/:firmId/credentials/gst/:gstin')
export class GstCredentialsController {
  constructor(private readonly sessions: GstSessionService) {}

  @Put()
  async put(
    @Param('firmId') firmId: string,
    @Param('gstin') gstin: string,
    @Body() { username }: GstCredentialRequestDto,
  ) {
    checkGstin(gstin);
    return portalCall(() => this.sessions.register(firmId, gstin, username));
  }

  @Post('otp')
  @HttpCode(200)
  async otp(@Param('firmId') firmId: string, @Param('gstin') gstin: string, @Body() { otp }: OtpRequestDto) {
    checkGstin(gstin);
    const status = await portalCall(
      () => this.sessions.submitOtp(firmId, gstin, otp),
      // An OTP is good once and only after it was requested: say how to get a new one.
      `request a new OTP first (PUT /v1/credentials/gst/${gstin} with the username), then submit it here`,
    );
    if (!status) {
      throw connectorProblem(
        404,
        'No GST access',
        `no OTP was requested for ${gstin}: request the OTP first ` +
          `(PUT /v1/credentials/gst/${gstin} with the username; the portal sends the taxpayer an OTP), ` +
          'then submit that OTP here',
      );
    }
    return status;
  }
}

function checkGstin(gstin: string): void {
  const problem = gstinProblem(gstin);
  if (problem)
    throw connectorProblem(400, 'Invalid request', 'gstin is not valid', [
      { field: 'gstin', message: problem },
    ]);
}

/** Portal refusals become 422 (with what to do next), an unreachable portal 502; never a secret. */
async function portalCall<T>(call: () => Promise<T>, whatNext?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // A lock-out's message already says until when and what to do; other refusals get the next step.
    if (error instanceof GstAuthRefused && error.code === 'AUTH403')
      throw connectorProblem(422, 'GST access locked by the portal', error.message);
    if (error instanceof GstAuthRefused)
      throw connectorProblem(
        422,
        'Portal refused',
        whatNext ? `${error.message}; ${whatNext}` : error.message,
      );
    if (isPortalError(error)) throw connectorProblem(502, 'Portal unavailable', error.message);
    throw error;
  }
}
