import { Body, Controller, Get, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Access, CurrentFirmId, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import type { InternalHttpClient } from '../upstream/internal-http-client';
import { CLIENT_MASTER } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { ClientListResponseDto, ClientResponseDto, ClientStatusResponseDto } from './dto/client-response.dto';
import { CreateClientRequestDto } from './dto/create-client-request.dto';
import { ListClientsQueryDto } from './dto/list-clients-query.dto';

/** The firm's clients; stored and queried by client-master, scoped to the caller's firm here. */
@ApiTags('Clients')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('clients')
export class ClientsController {
  constructor(@Inject(CLIENT_MASTER) private readonly clientMaster: InternalHttpClient) {}

  @Post()
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({ summary: 'Create a client (needs at least one of pan, tan, gstins, esignClientFileId)' })
  @ApiCreatedResponse({ type: ClientResponseDto })
  @ApiProblemResponses(400, 401, 403, 409, 413, 503, 504)
  create(@CurrentFirmId() firmId: string, @Body() body: CreateClientRequestDto): Promise<ClientResponseDto> {
    return this.clientMaster.request({ method: 'POST', path: `${base(firmId)}`, body });
  }

  @Get()
  @ApiOperation({
    summary: 'List clients, ordered by id, optionally filtered by tag, office or a search term',
  })
  @ApiOkResponse({ type: ClientListResponseDto })
  @ApiProblemResponses(400, 401, 503, 504)
  list(@CurrentFirmId() firmId: string, @Query() query: ListClientsQueryDto): Promise<ClientListResponseDto> {
    const { limit, cursor, tag, office, q } = query;
    return this.clientMaster.request({
      method: 'GET',
      path: base(firmId),
      query: { limit, cursor, tag, office, q },
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a client' })
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiProblemResponses(400, 401, 404, 503, 504)
  get(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<ClientResponseDto> {
    return this.clientMaster.request({ method: 'GET', path: `${base(firmId)}/${id}` });
  }

  @Get(':id/status')
  @ApiOperation({ summary: "A client's status grid: last outcome per category, identifier and period" })
  @ApiOkResponse({ type: ClientStatusResponseDto })
  @ApiProblemResponses(400, 401, 404, 503, 504)
  status(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ClientStatusResponseDto> {
    return this.clientMaster.request({ method: 'GET', path: `${base(firmId)}/${id}/status` });
  }
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/clients`;
}
