import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';

import { parseOrThrow } from '../common/validation';
import { FirmIdSchema } from '../sync-runs/sync-runs.controller';
import type { PageDto } from '../sync-runs/sync-runs.dto';
import { ListSyncRunsQuerySchema } from '../sync-runs/sync-runs.dto';
import type { ScheduleResponseDto } from './sync-schedules.dto';
import { CreateScheduleSchema, UpdateScheduleSchema } from './sync-schedules.dto';
import { SyncSchedulesService } from './sync-schedules.service';

/** Saved buckets run on a timer (internal API; the gateway proxies it as /v1/sync-schedules). */
@Controller('internal/v1/firms/:firmId/sync-schedules')
export class SyncSchedulesController {
  constructor(private readonly schedules: SyncSchedulesService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  create(@Param('firmId') firmId: string, @Body() body: unknown): Promise<ScheduleResponseDto> {
    return this.schedules.create(
      parseOrThrow(FirmIdSchema, firmId),
      parseOrThrow(CreateScheduleSchema, body),
    );
  }

  @Get()
  list(@Param('firmId') firmId: string, @Query() query: unknown): Promise<PageDto<ScheduleResponseDto>> {
    return this.schedules.list(
      parseOrThrow(FirmIdSchema, firmId),
      parseOrThrow(ListSyncRunsQuerySchema, query),
    );
  }

  @Get(':id')
  get(@Param('firmId') firmId: string, @Param('id') id: string): Promise<ScheduleResponseDto> {
    return this.schedules.get(parseOrThrow(FirmIdSchema, firmId), id);
  }

  @Patch(':id')
  update(
    @Param('firmId') firmId: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ScheduleResponseDto> {
    return this.schedules.update(
      parseOrThrow(FirmIdSchema, firmId),
      id,
      parseOrThrow(UpdateScheduleSchema, body),
    );
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('firmId') firmId: string, @Param('id') id: string): Promise<void> {
    return this.schedules.remove(parseOrThrow(FirmIdSchema, firmId), id);
  }
}
