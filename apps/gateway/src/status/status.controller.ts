import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ServiceHttpClient } from '@practice-sync/service-http';

import { CurrentFirmId } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { CLIENT_MASTER } from '../upstream/upstream.module';
import { StatusGridQueryDto, StatusGridResponseDto } from './dto/status-grid.dto';

/** The firm-wide status grid, kept by client-master from every job result. */
@ApiTags('Records')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('status')
export class StatusController {
  constructor(@Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient) {}

  @Get()
  @ApiOperation({
    summary: 'The firm-wide status grid: client × category',
    description:
      'Per client, category and identifier, the latest result whatever its period: outcome, error code and ' +
      'message, the last success, and the client name. Ordered by client then category; filter by ' +
      '`category` and by the latest `outcome` (e.g. `?outcome=failed` for everything that needs attention).',
  })
  @ApiOkResponse({ type: StatusGridResponseDto })
  @ApiProblemResponses(400, 401, 429, 503, 504)
  grid(@CurrentFirmId() firmId: string, @Query() query: StatusGridQueryDto): Promise<StatusGridResponseDto> {
    const { category, outcome, limit, cursor } = query;
    return this.clientMaster.request({
      method: 'GET',
      path: `/internal/v1/firms/${firmId}/status`,
      query: { category, outcome, limit, cursor },
    });
  }
}
