import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';

import type { Page } from '../common/cursor';
import type { ChangeDto, RecordDto } from './records.dto';
import { ListChangesQueryDto, ListRecordsQueryDto } from './records.dto';
import { RecordsService } from './records.service';

@Controller('internal/v1/firms/:firmId/clients/:id')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Get('records')
  list(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListRecordsQueryDto,
  ): Promise<Page<RecordDto>> {
    return this.records.list(firmId, id, query);
  }

  @Get('changes')
  changes(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListChangesQueryDto,
  ): Promise<Page<ChangeDto>> {
    return this.records.feed(firmId, id, query);
  }
}
