import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';

import { StatusService } from './status.service';
import type { StatusCellDto } from './status-cell.entity';

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
