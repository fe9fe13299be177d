import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';

import { parseOrThrow } from '../common/validation';
import { RunCommandsService } from './run-commands.service';
import { RunStreamService } from './run-stream.service';
import type { ClientSummaryDto, PageDto, SyncJobResponseDto, SyncRunResponseDto } from './sync-runs.dto';
import {
  CreateSyncRunRequestSchema,
  ListSyncJobsQuerySchema,
  ListSyncRunsQuerySchema,
} from './sync-runs.dto';
import { SyncRunsService } from './sync-runs.service';

export const FirmIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a firm id');

/** Internal API (service to service; the gateway is the public surface and validates first). */
@Controller('internal/v1/firms/:firmId/sync-runs')
export class SyncRunsController {
  constructor(
    private readonly runs: SyncRunsService,
    private readonly commands: RunCommandsService,
    private readonly streams: RunStreamService,
  ) {}

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

  @Get(':runId/summary')
  summary(
    @Param('firmId') firmId: string,
    @Param('runId') runId: string,
    @Query() query: unknown,
  ): Promise<PageDto<ClientSummaryDto>> {
    return this.runs.summary(
      parseOrThrow(FirmIdSchema, firmId),
      runId,
      parseOrThrow(ListSyncRunsQuerySchema, query),
    );
  }

  @Post(':runId/cancel')
  @HttpCode(HttpStatus.OK)
  cancel(@Param('firmId') firmId: string, @Param('runId') runId: string): Promise<SyncRunResponseDto> {
    return this.commands.cancel(parseOrThrow(FirmIdSchema, firmId), runId);
  }

  @Post(':runId/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  retry(@Param('firmId') firmId: string, @Param('runId') runId: string): Promise<SyncRunResponseDto> {
    return this.commands.retry(parseOrThrow(FirmIdSchema, firmId), runId);
  }

  /** Server-Sent Events; a 404 is still problem+json because the run is looked up before streaming. */
  @Get(':runId/events')
  async events(
    @Param('firmId') firmId: string,
    @Param('runId') runId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const run = await this.runs.findRun(parseOrThrow(FirmIdSchema, firmId), runId);
    await this.streams.stream(run, req, res);
  }
}
