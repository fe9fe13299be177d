import { Body, Controller, HttpCode, Param, Post, Put, UseFilters } from '@nestjs/common';
import { connectorProblem, isPortalError, parseBody } from '@practice-sync/connector-kit';
import { panProblem } from '@practice-sync/contracts';
import { ProblemFilter } from '@practice-sync/problems';
import { z } from 'zod';

import { ItrRefused, ItrSessionService } from '../itr-api/itr-session.service';

const AccountBody = z.object({
  clientId: z.string().trim().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  userId: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(500),
});
/** Without `otp` the portal is asked to send the taxpayer one; with it the consent is recorded. */
const ConsentBody = z.object({
  otp: z
    .string()
    .regex(/^[0-9]{4,8}$/, 'digits only')
    .optional(),
  dob: z.string().optional(),
});

/** The firm's e-filing intermediary account and each taxpayer's consent. */
@Controller('internal/v1/firms/:firmId/credentials/itr')
@UseFilters(ProblemFilter)
export class ItrCredentialsController {
  constructor(private readonly sessions: ItrSessionService) {}

  @Put()
  async put(@Param('firmId') firmId: string, @Body() body: unknown) {
    const account = parseBody(AccountBody, body);
    return portalCall(() => this.sessions.putAccount(firmId, account));
  }

  @Post(':pan/consent')
  @HttpCode(200)
  async consent(@Param('firmId') firmId: string, @Param('pan') pan: string, @Body() body: unknown) {
    const problem = panProblem(pan);
    if (problem) {
      throw connectorProblem(400, 'Invalid request', 'pan is not valid', [
        { field: 'pan', message: problem },
      ]);
    }
    const { otp, dob } = parseBody(ConsentBody, body);
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
