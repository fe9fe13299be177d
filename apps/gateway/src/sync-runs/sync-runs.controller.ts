import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { ServiceHttpClient } from '@practice-sync/service-http';
import { CreateSyncRunRequestDto } from '@practice-sync/validation';
import type { Response } from 'express';

import { Access, CurrentFirmId, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { PaginationQueryDto } from '../common/pagination.dto';
import { IDEMPOTENCY_HEADER } from '../idempotency/idempotency.interceptor';
import { IdempotencyKey, Idempotent } from '../idempotency/idempotent.decorator';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { pipeEventStream } from '../upstream/event-stream';
import { SYNC_ORCHESTRATOR } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { ListSyncJobsQueryDto } from './dto/list-sync-jobs-query.dto';
import {
  SyncJobListResponseDto,
  SyncRunListResponseDto,
  SyncRunResponseDto,
  SyncRunSummaryResponseDto,
} from './dto/sync-run-response.dto';

/** Sync runs: validated here, owned and executed by sync-orchestrator. */
@ApiTags('Sync runs')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('sync-runs')
export class SyncRunsController {
  constructor(@Inject(SYNC_ORCHESTRATOR) private readonly orchestrator: ServiceHttpClient) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Access({ firmRoles: WRITE_ROLES })
  @Idempotent()
  @ApiOperation({
    summary: 'Start a sync',
    description:
      'Selected clients × categories (× period), or, for branch sync, selected `links` × `books.*` ' +
      'categories (no period). Answers at once with the queued run; follow it with ' +
      "`GET /v1/sync-runs/{id}`, its `/events` stream or its `/summary`. Link ids that are not the firm's " +
      '(or `links: { all: true }` in a firm without links) are a 422 naming each.',
  })
  @ApiAcceptedResponse({ type: SyncRunResponseDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 422, 429, 503, 504)
  create(
    @CurrentFirmId() firmId: string,
    @Body() body: CreateSyncRunRequestDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<SyncRunResponseDto> {
    return this.orchestrator.request({ method: 'POST', path: base(firmId), body, ...keyed(idempotencyKey) });
  }

  @Get()
  @ApiOperation({ summary: "List the firm's sync runs, newest first" })
  @ApiOkResponse({ type: SyncRunListResponseDto })
  @ApiProblemResponses(400, 401, 429, 503, 504)
  list(@CurrentFirmId() firmId: string, @Query() query: PaginationQueryDto): Promise<SyncRunListResponseDto> {
    return this.orchestrator.request({
      method: 'GET',
      path: base(firmId),
      query: { limit: query.limit, cursor: query.cursor },
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a sync run with its totals' })
  @ApiOkResponse({ type: SyncRunResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  async get(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    // The read a firm polls: the orchestrator's JSON goes out as it came, not parsed and re-encoded. res.send
    // answers it exactly as returning the object did (same bytes, Content-Type, Content-Length and ETag).
    const body = await this.orchestrator.requestText({ method: 'GET', path: `${base(firmId)}/${id}` });
    res.status(HttpStatus.OK).type('application/json').send(body);
  }

  @Get(':id/jobs')
  @ApiOperation({
    summary: "A run's jobs (the per-client or per-link log), filterable by outcome, client and link",
  })
  @ApiOkResponse({ type: SyncJobListResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  jobs(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListSyncJobsQueryDto,
  ): Promise<SyncJobListResponseDto> {
    const { outcome, clientId, linkId, limit, cursor } = query;
    return this.orchestrator.request({
      method: 'GET',
      path: `${base(firmId)}/${id}/jobs`,
      query: { outcome, clientId, linkId, limit, cursor },
    });
  }

  @Get(':id/summary')
  @ApiOperation({
    summary: "A run's log grouped by client (or by link)",
    description:
      'Per client: counts by outcome and its jobs, like a sync log grouped by client. For a run over branch ' +
      'links, per link: counts by outcome, the objects moved and its jobs (one per class).',
  })
  @ApiOkResponse({ type: SyncRunSummaryResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  summary(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<SyncRunSummaryResponseDto> {
    return this.orchestrator.request({
      method: 'GET',
      path: `${base(firmId)}/${id}/summary`,
      query: { limit: query.limit, cursor: query.cursor },
    });
  }

  @Get(':id/events')
  @ApiOperation({
    summary: "Follow a run's progress (server-sent events)",
    description:
      '`text/event-stream`: one event per change of the run (`event: <change>`, `data: <run change JSON>`); ' +
      'the stream ends after the run reaches a terminal state.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'The event stream.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: progress\ndata: {"runId":"0193a8f4-3333-7abc-8def-0123456789ab","status":"running"}\n\n',
      },
    },
  })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  async events(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    await pipeEventStream(this.orchestrator, `${base(firmId)}/${id}/events`, res);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: 'Cancel a run',
    description: 'Jobs not yet finished end `cancelled`; cancelling a finished run changes nothing.',
  })
  @ApiOkResponse({ type: SyncRunResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 429, 503, 504)
  cancel(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<SyncRunResponseDto> {
    return this.orchestrator.request({ method: 'POST', path: `${base(firmId)}/${id}/cancel` });
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @Access({ firmRoles: WRITE_ROLES })
  @Idempotent()
  @ApiOperation({
    summary: "Retry a run's failed jobs",
    description: 'Starts a new run over the jobs of this run that ended `failed`.',
  })
  @ApiAcceptedResponse({ type: SyncRunResponseDto, description: 'The new run.' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 429, 503, 504)
  retry(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<SyncRunResponseDto> {
    return this.orchestrator.request({
      method: 'POST',
      path: `${base(firmId)}/${id}/retry`,
      ...keyed(idempotencyKey),
    });
  }
}

/**
 * The client's Idempotency-Key (the interceptor validated it) goes on to the orchestrator, which creates at
 * most one run per key in the firm: the call is then safe to repeat, so it is retried like any idempotent one.
 */
function keyed(idempotencyKey: string | undefined): {
  headers?: Record<string, string>;
  idempotent?: boolean;
} {
  return idempotencyKey ? { headers: { [IDEMPOTENCY_HEADER]: idempotencyKey }, idempotent: true } : {};
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/sync-runs`;
}
