import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
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

import { Access, CurrentPrincipal } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import type { Principal } from '../auth/principal';
import { PaginationQueryDto } from '../common/pagination.dto';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { ApiKeyListResponseDto, CreateApiKeyRequestDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';
import { CreateFirmRequestDto, FirmResponseDto } from './dto/create-firm-request.dto';
import { FirmsService } from './firms.service';

@ApiTags('Firms and API keys')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('firms')
export class FirmsController {
  constructor(private readonly firms: FirmsService) {}

  @Post()
  @Access({ platform: true, firmRoles: [] })
  @Idempotent()
  @ApiOperation({ summary: 'Create a firm (platform key only)' })
  @ApiCreatedResponse({ type: FirmResponseDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 422, 429)
  create(@Body() body: CreateFirmRequestDto): Promise<FirmResponseDto> {
    return this.firms.createFirm(body.name);
  }

  @Post(':id/api-keys')
  @Access({ platform: true, firmRoles: ['admin'] })
  @ApiOperation({
    summary: "Create an API key for a firm (platform key or the firm's admin key)",
    description:
      'Roles: `admin` (everything, incl. keys and deleting clients), `operator` (start syncs, manage clients, ' +
      'schedules and portal credentials), `viewer` (read only). The key is shown once; only its hash is kept, ' +
      'so this route does not take an Idempotency-Key (a replay would have to keep the secret).',
  })
  @ApiCreatedResponse({
    type: CreatedApiKeyResponseDto,
    description: 'The key is shown only in this answer.',
  })
  @ApiProblemResponses(400, 401, 403, 404, 413, 415, 429)
  async createKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Body() body: CreateApiKeyRequestDto,
  ): Promise<CreatedApiKeyResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return this.firms.createKey(firmId, body.name, body.role);
  }

  @Get(':id/api-keys')
  @Access({ platform: true, firmRoles: ['admin'] })
  @ApiOperation({
    summary: "List a firm's active API keys (never the secrets)",
    description: 'Oldest first, with when each key was last used (to the minute).',
  })
  @ApiOkResponse({ type: ApiKeyListResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async listKeys(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<ApiKeyListResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return this.firms.listKeys(firmId, query.limit, query.cursor);
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Access({ platform: true, firmRoles: ['admin'] })
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'The gateway that answers refuses the key from the next request on; other gateway instances within API_KEY_CACHE_SECONDS (10 s by default), the time they trust a checked key.',
  })
  @ApiNoContentResponse()
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async revokeKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Param('keyId', UuidParamPipe) keyId: string,
  ): Promise<void> {
    await this.firms.assertReachable(principal, firmId);
    await this.firms.revokeKey(firmId, keyId);
  }
}
