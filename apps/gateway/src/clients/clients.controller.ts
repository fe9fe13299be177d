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
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ValidationProblem } from '@practice-sync/problems';
import type { ServiceHttpClient } from '@practice-sync/service-http';

import { Access, ADMIN_ONLY, CurrentFirmId, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { sentFields } from '../common/sent-fields';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { CLIENT_MASTER } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { ListChangesQueryDto, ListRecordsQueryDto } from './dto/client-data-query.dto';
import {
  ClientChangeListResponseDto,
  ClientListResponseDto,
  ClientRecordListResponseDto,
  ClientResponseDto,
  ClientStatusResponseDto,
} from './dto/client-response.dto';
import { CreateClientRequestDto } from './dto/create-client-request.dto';
import { ImportResultDto } from './dto/import-result.dto';
import { ListClientsQueryDto } from './dto/list-clients-query.dto';
import { UpdateClientRequestDto } from './dto/update-client-request.dto';
import { ClientsImportService } from './import/clients-import.service';
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS } from './import/csv-rows';

const CSV_EXAMPLE = `name,pan,tan,gstins,esignClientFileId,office,tags
Reliance Traders Pvt Ltd,AAACR5055K,,27AAACR5055K1Z7;29AAACR5055K1Z3,cf_reliance-2025,Mumbai,gst-monthly;audit
Patel Kirana,BBBPK1234L,,,,Pune,
`;

/** The firm's clients; stored and queried by client-master, scoped to the caller's firm here. */
@ApiTags('Clients')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('clients')
export class ClientsController {
  constructor(
    @Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient,
    private readonly importer: ClientsImportService,
  ) {}

  @Post()
  @Access({ firmRoles: WRITE_ROLES })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a client',
    description:
      'Needs at least one of pan, tan, gstins, esignClientFileId. Identifiers are upper-cased and checked ' +
      '(PAN holder type, TAN shape, GSTIN check character). A PAN already used in the firm is a 409.',
  })
  @ApiCreatedResponse({ type: ClientResponseDto, description: 'The client as stored.' })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422, 429, 503, 504)
  create(@CurrentFirmId() firmId: string, @Body() body: CreateClientRequestDto): Promise<ClientResponseDto> {
    return this.clientMaster.request({ method: 'POST', path: base(firmId), body });
  }

  @Post('import')
  @HttpCode(HttpStatus.OK)
  @Access({ firmRoles: WRITE_ROLES })
  @Idempotent()
  @ApiOperation({
    summary: `Import up to ${MAX_IMPORT_ROWS} clients from CSV`,
    description:
      `\`text/csv\` with a header row of the columns ${IMPORT_COLUMNS.join(', ')} (only name is required; ` +
      'several GSTINs or tags in one cell are separated by `;`). Each row is checked like `POST /v1/clients` ' +
      'and against earlier rows of the file (a repeated PAN or GSTIN is an error naming the first line). ' +
      'Valid rows are upserted: a row whose PAN (else first GSTIN) matches an existing client of the firm ' +
      'updates it (`updated`). A bad row never stops the others; the answer has one result per row.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: CSV_EXAMPLE } })
  @ApiOkResponse({ type: ImportResultDto, description: 'Per-row results, in file order.' })
  @ApiProblemResponses(400, 401, 403, 413, 415, 422, 429, 503, 504)
  import(@CurrentFirmId() firmId: string, @Body() csv: unknown): Promise<ImportResultDto> {
    if (typeof csv !== 'string') {
      throw new ValidationProblem([{ field: 'body', message: 'must be a text/csv document' }]);
    }
    return this.importer.import(firmId, csv);
  }

  @Get()
  @ApiOperation({
    summary: 'List clients',
    description: 'Ordered by id; optionally filtered by tag, office, or a search term (name or identifier).',
  })
  @ApiOkResponse({ type: ClientListResponseDto })
  @ApiProblemResponses(400, 401, 429, 503, 504)
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
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  get(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<ClientResponseDto> {
    return this.clientMaster.request({ method: 'GET', path: `${base(firmId)}/${id}` });
  }

  @Patch(':id')
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: 'Change some fields of a client',
    description: 'Only the fields sent change; `null` clears pan, tan, esignClientFileId or office.',
  })
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415, 429, 503, 504)
  update(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateClientRequestDto,
  ): Promise<ClientResponseDto> {
    const changes = sentFields(body);
    if (Object.keys(changes).length === 0) {
      throw new ValidationProblem([{ field: 'body', message: 'must change at least one field' }]);
    }
    return this.clientMaster.request({ method: 'PATCH', path: `${base(firmId)}/${id}`, body: changes });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Access({ firmRoles: ADMIN_ONLY })
  @ApiOperation({ summary: 'Delete a client (admin keys only)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async remove(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.clientMaster.request({ method: 'DELETE', path: `${base(firmId)}/${id}` });
  }

  @Get(':id/status')
  @ApiOperation({ summary: "A client's status grid: last outcome per category, identifier and period" })
  @ApiOkResponse({ type: ClientStatusResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  status(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ClientStatusResponseDto> {
    return this.clientMaster.request({ method: 'GET', path: `${base(firmId)}/${id}/status` });
  }

  @Get(':id/records')
  @ApiOperation({
    summary: "A client's synced records",
    description: 'The latest version of each record, optionally of one category and period.',
  })
  @ApiOkResponse({ type: ClientRecordListResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  records(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListRecordsQueryDto,
  ): Promise<ClientRecordListResponseDto> {
    const { category, period, limit, cursor } = query;
    return this.clientMaster.request({
      method: 'GET',
      path: `${base(firmId)}/${id}/records`,
      query: { category, period, limit, cursor },
    });
  }

  @Get(':id/changes')
  @ApiOperation({
    summary: "A client's change feed",
    description: 'Records added, updated or removed by each sync, oldest first, optionally since an instant.',
  })
  @ApiOkResponse({ type: ClientChangeListResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  changes(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListChangesQueryDto,
  ): Promise<ClientChangeListResponseDto> {
    const { since, limit, cursor } = query;
    return this.clientMaster.request({
      method: 'GET',
      path: `${base(firmId)}/${id}/changes`,
      query: { since, limit, cursor },
    });
  }
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/clients`;
}
