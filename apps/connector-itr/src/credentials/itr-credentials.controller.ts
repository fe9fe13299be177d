import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { connectorProblem, isPortalError } from '@practice-sync/connector-kit';
import { panProblem } from '@practice-sync/contracts';
import { ConsentRequestDto, ItrCredentialRequestDto } from '@practice-sync/validation';

import { ItrRefused, ItrSessionService } from '../itr-api/itr-session.service';

/** The firm's e-filing intermediary account and each taxpayer's consent. */
@Controller('internal/v1/firms/:firmId/credentials/itr')
export class ItrCredentialsController {
  constructor(private readonly sessions: ItrSessionService) {}

  @Put()
  async put(@Param('firmId') firmId: string, @Body() account: ItrCredentialRequestDto) {
    return portalCall(() => this.sessions.putAccount(firmId, account));
  }

  @Post(':pan/consent')
  @HttpCode(200)
  /** Without `otp` the portal is asked to send the taxpayer one; with it the consent is recorded. */
  async consent(
    @Param('firmId') firmId: string,
    @Param('pan') pan: string,
    @Body() { otp, dob }: ConsentRequestDto,
  ) {
    const problem = panProblem(pan);
    if (problem) {
      throw connectorProblem(400, 'Invalid request', 'pan is not valid', [
        { field: 'pan', message: problem },
      ]);
    }
    const status = await portalCall(() => this.sessions.consent(firmId, pan, otp, dob));
    if (!status) {
      throw connectorProblem(404, 'No e-filing account', "store the firm's intermediary account (PUT) first");
    }
    return status;
  }
}

async function portalCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ItrRefused) throw connectorProblem(422, 'Portal refused', error.message);
    if (isPortalError(error)) {
      const status = error.code === 'auth_failed' || error.code === 'otp_required' ? 422 : 502;
      throw connectorProblem(status, status === 422 ? 'Portal refused' : 'Portal unavailable', error.message);
    }
    throw error;
  }
}
