import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';

import type { Page } from '../common/cursor';
import type { NoticeDto } from './notices.dto';
import { ListNoticesQueryDto } from './notices.dto';
import { NoticesService } from './notices.service';

@Controller('internal/v1/firms/:firmId/notices')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Get()
  list(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Query() query: ListNoticesQueryDto,
  ): Promise<Page<NoticeDto>> {
    return this.notices.list(firmId, query);
  }
}
