import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { everyProblem, MIN_EVERY_SECONDS } from '@practice-sync/contracts';
import { ValidationProblem } from '@practice-sync/problems';
import type { ServiceHttpClient } from '@practice-sync/service-http';

import { Access, CurrentFirmId, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { PaginationQueryDto } from '../common/pagination.dto';
import { sentFields } from '../common/sent-fields';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { SYNC_ORCHESTRATOR } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { CreateScheduleRequestDto, UpdateScheduleRequestDto } from './dto/schedule-request.dto';
import { ScheduleListResponseDto, ScheduleResponseDto } from './dto/schedule-response.dto';

/** Saved buckets that sync-orchestrator runs on a timer (`every`) or calendar (`cron`). */
@ApiTags('Sync schedules')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('sync-schedules')
export class SyncSchedulesController {
  constructor(@Inject(SYNC_ORCHESTRATOR) private readonly orchestrator: ServiceHttpClient) {}

  @Post()
  @Access({ firmRoles: WRITE_ROLES })
  @Idempotent()
  @ApiOperation({
    summary: 'Save a scheduled sync',
    description:
      'A client selection × categories (× period), or branch `links` × `books.*` categories, run every ' +
      '`every` (at least PT5M over clients, PT1M over links) or at `cron` times, never before `notBefore`. ' +
      'A tick whose previous run is still going (or, over links, while any run over one of its links is) ' +
      'starts nothing: the schedule shows `skippedAt` and `skipReason` until a tick starts a run again.',
  })
  @ApiCreatedResponse({ type: ScheduleResponseDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 422, 429, 503, 504)
  create(
    @CurrentFirmId() firmId: string,
    @Body() body: CreateScheduleRequestDto,
  ): Promise<ScheduleResponseDto> {
    return this.orchestrator.request({ method: 'POST', path: base(firmId), body });
  }

  @Get()
  @ApiOperation({ summary: "List the firm's schedules" })
  @ApiOkResponse({ type: ScheduleListResponseDto })
  @ApiProblemResponses(400, 401, 429, 503, 504)
  list(
    @CurrentFirmId() firmId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<ScheduleListResponseDto> {
    return this.orchestrator.request({
      method: 'GET',
      path: base(firmId),
      query: { limit: query.limit, cursor: query.cursor },
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a schedule' })
  @ApiOkResponse({ type: ScheduleResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  get(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<ScheduleResponseDto> {
    return this.orchestrator.request({ method: 'GET', path: `${base(firmId)}/${id}` });
  }

  @Patch(':id')
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({ summary: 'Change a schedule (e.g. `{ "enabled": false }` to pause it)' })
  @ApiOkResponse({ type: ScheduleResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 413, 415, 429, 503, 504)
  async update(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateScheduleRequestDto,
  ): Promise<ScheduleResponseDto> {
    const changes = sentFields(body);
    if (Object.keys(changes).length === 0) {
      throw new ValidationProblem([{ field: 'body', message: 'must change at least one field' }]);
    }
    await this.assertClientsMinimum(firmId, id, body);
    return this.orchestrator.request({ method: 'PATCH', path: `${base(firmId)}/${id}`, body: changes });
  }

  /**
   * The DTO allows an `every` down to PT1M (branch links); one under PT5M is refused for a schedule over
   * clients, which is asked of the orchestrator when the change does not say what the schedule is over.
   */
  private async assertClientsMinimum(
    firmId: string,
    id: string,
    body: UpdateScheduleRequestDto,
  ): Promise<void> {
    if (typeof body.every !== 'string' || body.links !== undefined) return;
    const problem = everyProblem(body.every, MIN_EVERY_SECONDS);
    if (!problem) return;
    const overClients =
      body.clients !== undefined ||
      (
        await this.orchestrator.request<ScheduleResponseDto>({
          method: 'GET',
          path: `${base(firmId)}/${id}`,
        })
      ).subjectKind === 'clients';
    if (overClients) {
      throw new ValidationProblem([
        { field: 'every', message: `${problem} for a schedule over clients (PT1M over branch links)` },
      ]);
    }
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({ summary: 'Delete a schedule (runs it started are kept)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async remove(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.orchestrator.request({ method: 'DELETE', path: `${base(firmId)}/${id}` });
  }
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/sync-schedules`;
}
