import { Controller, Get, Inject, Param, Query } from '@nestjs/common';

import type { AccessState } from '../access/access-store';
import { AccessStore } from '../access/access-store';
import type { ConnectorFamily } from '../core/connector-family';
import { connectorProblem } from './problem';
import { CONNECTOR_PORTAL } from './tokens';

const STATES: readonly AccessState[] = ['ok', 'otp_required', 'expiring', 'failed'];

/** `GET /internal/v1/firms/{firmId}/credentials?status=`: access health per identifier, never a secret. */
@Controller('internal/v1/firms/:firmId/credentials')
export class CredentialsStatusController {
  constructor(
    private readonly access: AccessStore,
    @Inject(CONNECTOR_PORTAL) private readonly portal: ConnectorFamily,
  ) {}

  @Get()
  async list(@Param('firmId') firmId: string, @Query('status') status?: string) {
    if (status !== undefined && !STATES.includes(status as AccessState)) {
      throw connectorProblem(400, 'Invalid request', 'status is not valid', [
        { field: 'status', message: `must be one of ${STATES.join(', ')}` },
      ]);
    }
    return { items: await this.access.list(firmId, this.portal, status as AccessState | undefined) };
  }
}
