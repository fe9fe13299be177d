import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';

import { parseOrThrow } from '../common/validation';
import type { PageDto, SyncJobResponseDto, SyncRunResponseDto } from './sync-runs.dto';
import {
  CreateSyncRunRequestSchema,
  ListSyncJobsQuerySchema,
  ListSyncRunsQuerySchema,
} from './sync-runs.dto';
import { SyncRunsService } from './sync-runs.service';

const FirmIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a firm id');

/** Internal API (service to service; the gateway is the public surface and validates first). */
@Controller('internal/v1/firms/:firmId/sync-runs')
export class SyncRunsController {
  constructor(private readonly runs: SyncRunsService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  create(@Param('firmId') firmId: string, @Body() body: unknown): Promise<SyncRunResponseDto> {
    return this.runs.create(
      parseOrThrow(FirmIdSchema, firmId),
      parseOrThrow(CreateSyncRunRequestSchema, body),
    );
  }

  @Get()
  list(@Param('firmId') firmId: string, @Query() query: unknown): Promise<PageDto<SyncRunResponseDto>> {
    return this.runs.list(parseOrThrow(FirmIdSchema, firmId), parseOrThrow(ListSyncRunsQuerySchema, query));
  }

  @Get(':runId')
  get(@Param('firmId') firmId: string, @Param('runId') runId: string): Promise<SyncRunResponseDto> {
    return this.runs.get(parseOrThrow(FirmIdSchema, firmId), runId);
  }

  @Get(':runId/jobs')
  listJobs(
    @Param('firmId') firmId: string,
    @Param('runId') runId: string,
    @Query() query: unknown,
  ): Promise<PageDto<SyncJobResponseDto>> {
    return this.runs.listJobs(
      parseOrThrow(FirmIdSchema, firmId),
      runId,
      parseOrThrow(ListSyncJobsQuerySchema, query),
    );
  }
}
