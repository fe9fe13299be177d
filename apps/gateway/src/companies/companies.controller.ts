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
import type { ServiceHttpClient } from '@practice-sync/service-http';
import { CreateCompanyRequestDto, UpdateCompanyRequestDto } from '@practice-sync/validation';

import { Access, ADMIN_ONLY, CurrentFirmId } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { PaginationQueryDto } from '../common/pagination.dto';
import { sentFields } from '../common/sent-fields';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { CLIENT_MASTER } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { CompanyListResponseDto, CompanyResponseDto } from './dto/company-response.dto';

/** The firm's companies (sets of books) for branch sync; stored by client-master. Admin keys change them. */
@ApiTags('Branch sync')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('companies')
export class CompaniesController {
  constructor(@Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient) {}

  @Post()
  @Access({ firmRoles: ADMIN_ONLY })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a company (admin keys only)',
    description:
      'One set of books at one location: a head office or a branch, reached at `booksUrl` (a books server ' +
      "speaking Tally's XML over HTTP). `clientId` ties it to one of the firm's clients (422 " +
      '`unknown-reference` if it is not one).',
  })
  @ApiCreatedResponse({ type: CompanyResponseDto, description: 'The company as stored.' })
  @ApiProblemResponses(400, 401, 403, 413, 415, 422, 429, 503, 504)
  create(
    @CurrentFirmId() firmId: string,
    @Body() body: CreateCompanyRequestDto,
  ): Promise<CompanyResponseDto> {
    return this.clientMaster.request({ method: 'POST', path: base(firmId), body });
  }

  @Get()
  @ApiOperation({ summary: 'List companies', description: 'Ordered by id (creation order).' })
  @ApiOkResponse({ type: CompanyListResponseDto })
  @ApiProblemResponses(400, 401, 429, 503, 504)
  list(@CurrentFirmId() firmId: string, @Query() query: PaginationQueryDto): Promise<CompanyListResponseDto> {
    const { limit, cursor } = query;
    return this.clientMaster.request({ method: 'GET', path: base(firmId), query: { limit, cursor } });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a company' })
  @ApiOkResponse({ type: CompanyResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  get(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<CompanyResponseDto> {
    return this.clientMaster.request({ method: 'GET', path: `${base(firmId)}/${id}` });
  }

  @Patch(':id')
  @Access({ firmRoles: ADMIN_ONLY })
  @ApiOperation({
    summary: 'Change some fields of a company (admin keys only)',
    description: 'Only the fields sent change; `clientId: null` detaches it from its client.',
  })
  @ApiOkResponse({ type: CompanyResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 413, 415, 422, 429, 503, 504)
  update(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateCompanyRequestDto,
  ): Promise<CompanyResponseDto> {
    return this.clientMaster.request({
      method: 'PATCH',
      path: `${base(firmId)}/${id}`,
      body: sentFields(body),
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Access({ firmRoles: ADMIN_ONLY })
  @ApiOperation({
    summary: 'Delete a company (admin keys only)',
    description: 'A company in links is a 409 `company-in-use` whose `links` lists them: delete those first.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 429, 503, 504)
  async remove(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.clientMaster.request({ method: 'DELETE', path: `${base(firmId)}/${id}` });
  }
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/companies`;
}
