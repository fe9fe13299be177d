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

import { firmIdOf, validBody, validQuery } from '../common/validation';
import type { PageDto } from '../sync-runs/sync-runs.dto';
import { ListSyncRunsQueryDto } from '../sync-runs/sync-runs.dto';
import type { ScheduleResponseDto } from './sync-schedules.dto';
import { CreateScheduleDto, UpdateScheduleDto } from './sync-schedules.dto';
import { SyncSchedulesService } from './sync-schedules.service';

/** Saved buckets run on a timer (internal API; the gateway proxies it as /v1/sync-schedules). */
@Controller('internal/v1/firms/:firmId/sync-schedules')
export class SyncSchedulesController {
  constructor(private readonly schedules: SyncSchedulesService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  create(
    @Param('firmId') firmId: string,
    @Body(validBody) body: CreateScheduleDto,
  ): Promise<ScheduleResponseDto> {
    return this.schedules.create(firmIdOf(firmId), body);
  }

  @Get()
  list(
    @Param('firmId') firmId: string,
    @Query(validQuery) query: ListSyncRunsQueryDto,
  ): Promise<PageDto<ScheduleResponseDto>> {
    return this.schedules.list(firmIdOf(firmId), query);
  }

  @Get(':id')
  get(@Param('firmId') firmId: string, @Param('id') id: string): Promise<ScheduleResponseDto> {
    return this.schedules.get(firmIdOf(firmId), id);
  }

  @Patch(':id')
  update(
    @Param('firmId') firmId: string,
    @Param('id') id: string,
    @Body(validBody) body: UpdateScheduleDto,
  ): Promise<ScheduleResponseDto> {
    return this.schedules.update(firmIdOf(firmId), id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('firmId') firmId: string, @Param('id') id: string): Promise<void> {
    return this.schedules.remove(firmIdOf(firmId), id);
  }
}
