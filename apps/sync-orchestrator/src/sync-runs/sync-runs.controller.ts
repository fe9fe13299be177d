import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { BranchSnapshotRequestDto, CreateSyncRunRequestDto } from '@practice-sync/validation';
import type { Request, Response } from 'express';

import { firmIdOf, validBody, validQuery } from '../common/validation';
import { RunCommandsService } from './run-commands.service';
import { RunStreamService } from './run-stream.service';
import type {
  ClientSummaryDto,
  LinkSummaryDto,
  PageDto,
  SyncJobResponseDto,
  SyncRunResponseDto,
} from './sync-runs.dto';
import { ListSyncJobsQueryDto, ListSyncRunsQueryDto } from './sync-runs.dto';
import { SyncRunsService } from './sync-runs.service';

/** `POST …/branch-links/{linkId}/snapshot`: a run of one `books.snapshot` job (201, like a created resource). */
@Controller('internal/v1/firms/:firmId/branch-links')
export class BranchSnapshotController {
  constructor(private readonly runs: SyncRunsService) {}

  @Post(':linkId/snapshot')
  @HttpCode(HttpStatus.CREATED)
  snapshot(
    @Param('firmId') firmId: string,
    @Param('linkId', new ParseUUIDPipe()) linkId: string,
    @Body(validBody) body: BranchSnapshotRequestDto,
  ): Promise<SyncRunResponseDto> {
    return this.runs.snapshot(firmIdOf(firmId), linkId, body.replace ?? false);
  }
}

/** The client's key, forwarded by the gateway (which validated it): one run per key in the firm. */
const IDEMPOTENCY_HEADER = 'idempotency-key';

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
  create(
    @Param('firmId') firmId: string,
    @Body(validBody) body: CreateSyncRunRequestDto,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey?: string,
  ): Promise<SyncRunResponseDto> {
    return this.runs.create(firmIdOf(firmId), body, idempotencyKey || undefined);
  }

  @Get()
  list(
    @Param('firmId') firmId: string,
    @Query(validQuery) query: ListSyncRunsQueryDto,
  ): Promise<PageDto<SyncRunResponseDto>> {
    return this.runs.list(firmIdOf(firmId), query);
  }

  @Get(':runId')
  get(@Param('firmId') firmId: string, @Param('runId') runId: string): Promise<SyncRunResponseDto> {
    return this.runs.get(firmIdOf(firmId), runId);
  }

  @Get(':runId/jobs')
  listJobs(
    @Param('firmId') firmId: string,
    @Param('runId') runId: string,
    @Query(validQuery) query: ListSyncJobsQueryDto,
  ): Promise<PageDto<SyncJobResponseDto>> {
    return this.runs.listJobs(firmIdOf(firmId), runId, query);
  }

  @Get(':runId/summary')
  summary(
    @Param('firmId') firmId: string,
    @Param('runId') runId: string,
    @Query(validQuery) query: ListSyncRunsQueryDto,
  ): Promise<PageDto<ClientSummaryDto | LinkSummaryDto>> {
    return this.runs.summary(firmIdOf(firmId), runId, query);
  }

  @Post(':runId/cancel')
  @HttpCode(HttpStatus.OK)
  cancel(@Param('firmId') firmId: string, @Param('runId') runId: string): Promise<SyncRunResponseDto> {
    return this.commands.cancel(firmIdOf(firmId), runId);
  }

  @Post(':runId/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  retry(
    @Param('firmId') firmId: string,
    @Param('runId') runId: string,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey?: string,
  ): Promise<SyncRunResponseDto> {
    return this.commands.retry(firmIdOf(firmId), runId, idempotencyKey || undefined);
  }

  /** Server-Sent Events; a 404 is still problem+json because the run is looked up before streaming. */
  @Get(':runId/events')
  async events(
    @Param('firmId') firmId: string,
    @Param('runId') runId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const run = await this.runs.findRun(firmIdOf(firmId), runId);
    await this.streams.stream(run, req, res);
  }
}
