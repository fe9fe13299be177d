import { Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';

import { firmIdOf } from '../common/validation';
import type { SyncRunResponseDto } from '../sync-runs/sync-runs.dto';
import { LinkRestartService } from './link-restart.service';

/** Internal API; the gateway serves it as `POST /v1/branch-links/{id}/restart` (operators and admins). */
@Controller('internal/v1/firms/:firmId/branch-links')
export class LinkRestartController {
  constructor(private readonly restarts: LinkRestartService) {}

  @Post(':linkId/restart')
  @HttpCode(HttpStatus.CREATED)
  restart(@Param('firmId') firmId: string, @Param('linkId') linkId: string): Promise<SyncRunResponseDto> {
    return this.restarts.restart(firmIdOf(firmId), linkId);
  }
}
