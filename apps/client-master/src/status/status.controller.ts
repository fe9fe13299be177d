import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';

import type { Page } from '../common/cursor';
import { StatusService } from './status.service';
import type { StatusCellDto } from './status-cell.entity';
import type { StatusGridCellDto } from './status-grid.dto';
import { StatusGridQueryDto } from './status-grid.dto';

@Controller('internal/v1/firms/:firmId/clients/:id/status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  async get(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ items: StatusCellDto[] }> {
    return { items: await this.status.forClient(firmId, id) };
  }
}

/** The firm-wide status grid (client × category), paged. */
@Controller('internal/v1/firms/:firmId/status')
export class FirmStatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  grid(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Query() query: StatusGridQueryDto,
  ): Promise<Page<StatusGridCellDto>> {
    return this.status.grid(firmId, query);
  }
}
