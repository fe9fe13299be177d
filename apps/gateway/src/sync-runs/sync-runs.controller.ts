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
  UseGuards,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Access, CurrentFirmId, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { PaginationQueryDto } from '../common/pagination.dto';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import type { InternalHttpClient } from '../upstream/internal-http-client';
import { SYNC_ORCHESTRATOR } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { CreateSyncRunRequestDto } from './dto/create-sync-run-request.dto';
import { ListSyncJobsQueryDto } from './dto/list-sync-jobs-query.dto';
import {
  SyncJobListResponseDto,
  SyncRunListResponseDto,
  SyncRunResponseDto,
} from './dto/sync-run-response.dto';

/** Sync runs: validated here, owned and executed by sync-orchestrator. */
@ApiTags('Sync runs')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('sync-runs')
export class SyncRunsController {
  constructor(@Inject(SYNC_ORCHESTRATOR) private readonly orchestrator: InternalHttpClient) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: 'Start a sync: selected clients × categories (× period); answers at once with the run',
  })
  @ApiAcceptedResponse({ type: SyncRunResponseDto })
  @ApiProblemResponses(400, 401, 403, 413, 503, 504)
  create(
    @CurrentFirmId() firmId: string,
    @Body() body: CreateSyncRunRequestDto,
  ): Promise<SyncRunResponseDto> {
    return this.orchestrator.request({ method: 'POST', path: base(firmId), body });
  }

  @Get()
  @ApiOperation({ summary: "List the firm's sync runs, newest first" })
  @ApiOkResponse({ type: SyncRunListResponseDto })
  @ApiProblemResponses(400, 401, 503, 504)
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
  @ApiProblemResponses(400, 401, 404, 503, 504)
  get(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<SyncRunResponseDto> {
    return this.orchestrator.request({ method: 'GET', path: `${base(firmId)}/${id}` });
  }

  @Get(':id/jobs')
  @ApiOperation({ summary: "A run's jobs (the per-client log), filterable by outcome and client" })
  @ApiOkResponse({ type: SyncJobListResponseDto })
  @ApiProblemResponses(400, 401, 404, 503, 504)
  jobs(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListSyncJobsQueryDto,
  ): Promise<SyncJobListResponseDto> {
    const { outcome, clientId, limit, cursor } = query;
    return this.orchestrator.request({
      method: 'GET',
      path: `${base(firmId)}/${id}/jobs`,
      query: { outcome, clientId, limit, cursor },
    });
  }
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/sync-runs`;
}
