import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ServiceHttpClient } from '@practice-sync/service-http';

import { CurrentFirmId } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { CLIENT_MASTER } from '../upstream/upstream.module';
import { ListNoticesQueryDto } from './dto/list-notices-query.dto';
import { NoticeListResponseDto } from './dto/notice-response.dto';

/** The firm's portal notices, kept by client-master from the notices categories' syncs. */
@ApiTags('Notices')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('notices')
export class NoticesController {
  constructor(@Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient) {}

  @Get()
  @ApiOperation({
    summary: "The firm's notices, soonest due first",
    description:
      'GST notices (by ARN) and Income Tax proceedings (by proceeding id) of every client, one each whatever ' +
      'period the sync that found them was for; by default those not closed. Sorted by due date (ISO ' +
      '`YYYY-MM-DD`, whatever the portal wrote), notices without a readable due date last.',
  })
  @ApiOkResponse({ type: NoticeListResponseDto })
  @ApiProblemResponses(400, 401, 429, 503, 504)
  list(@CurrentFirmId() firmId: string, @Query() query: ListNoticesQueryDto): Promise<NoticeListResponseDto> {
    const { clientId, portal, category, dueBefore, status, limit, cursor } = query;
    return this.clientMaster.request({
      method: 'GET',
      path: `/internal/v1/firms/${firmId}/notices`,
      query: { clientId, portal, category, dueBefore, status, limit, cursor },
    });
  }
}
