import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
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
  @ApiOperation({ summary: 'Create a firm (platform key only)' })
  @ApiCreatedResponse({ type: FirmResponseDto })
  @ApiProblemResponses(400, 401, 403)
  create(@Body() body: CreateFirmRequestDto): Promise<FirmResponseDto> {
    return this.firms.createFirm(body.name);
  }

  @Post(':id/api-keys')
  @Access({ platform: true, firmRoles: ['admin'] })
  @ApiOperation({ summary: "Create an API key for a firm (platform key or the firm's admin key)" })
  @ApiCreatedResponse({
    type: CreatedApiKeyResponseDto,
    description: 'The key is shown only in this answer.',
  })
  @ApiProblemResponses(400, 401, 403, 404)
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
  @ApiOperation({ summary: "List a firm's active API keys (never the secrets)" })
  @ApiOkResponse({ type: ApiKeyListResponseDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async listKeys(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
  ): Promise<ApiKeyListResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return { items: await this.firms.listKeys(firmId), nextCursor: null };
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Access({ platform: true, firmRoles: ['admin'] })
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiNoContentResponse()
  @ApiProblemResponses(400, 401, 403, 404)
  async revokeKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Param('keyId', UuidParamPipe) keyId: string,
  ): Promise<void> {
    await this.firms.assertReachable(principal, firmId);
    await this.firms.revokeKey(firmId, keyId);
  }
}
