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
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ServiceHttpClient } from '@practice-sync/service-http';
import { ResolveConflictRequestDto } from '@practice-sync/validation';

import { Access, CurrentFirmId, CurrentPrincipal, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { CLIENT_MASTER, CONNECTOR_BOOKS } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { BranchConflictListResponseDto, BranchConflictResponseDto } from './dto/branch-conflict-response.dto';
import { ListConflictsQueryDto } from './dto/list-conflicts-query.dto';

/** Who resolved a conflict, as the queue records it: a signed-in person or an API key (never a secret). */
function actorOf(principal: Principal): string {
  if (principal.kind !== 'firm') return 'platform';
  return principal.userId ? `user:${principal.userId}` : `api-key:${principal.keyId}`;
}

/**
 * Branch sync's conflict queue, kept by connector-books: objects altered at both ends of a link since its last
 * sync wait here with both versions (applied at neither end) until a person keeps one or merges them. Every key
 * reads; operators and admins resolve.
 */
@ApiTags('Branch sync')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller()
export class BranchConflictsController {
  constructor(
    @Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient,
    @Inject(CONNECTOR_BOOKS) private readonly books: ServiceHttpClient,
  ) {}

  @Get('branch-links/:id/conflicts')
  @ApiOperation({
    summary: 'List a link’s conflicts with both versions',
    description:
      'Open conflicts by default (`status=resolved` or `all` for the others), oldest first. One open ' +
      'conflict per object: a newer change at either end refreshes its version, and the object moves ' +
      'nowhere until the conflict is resolved.',
  })
  @ApiOkResponse({ type: BranchConflictListResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  async list(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListConflictsQueryDto,
  ): Promise<BranchConflictListResponseDto> {
    // The link must be the firm's: an unknown one is a 404, not an empty list.
    await this.clientMaster.request({
      method: 'GET',
      path: `/internal/v1/firms/${firmId}/branch-links/${id}`,
    });
    const { limit, cursor, status } = query;
    return this.books.request({
      method: 'GET',
      path: `/internal/v1/firms/${firmId}/branch-links/${id}/conflicts`,
      query: { limit, cursor, status },
    });
  }

  @Get('branch-conflicts/:id')
  @ApiOperation({ summary: 'Get a conflict with both versions' })
  @ApiOkResponse({ type: BranchConflictResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  get(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<BranchConflictResponseDto> {
    return this.books.request({ method: 'GET', path: `/internal/v1/firms/${firmId}/branch-conflicts/${id}` });
  }

  @Post('branch-conflicts/:id/resolve')
  @HttpCode(HttpStatus.OK)
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: 'Resolve a conflict: keep one end’s version or take a merged body (operator or admin keys)',
    description:
      'Applies the chosen version to BOTH companies’ books (imported by GUID: it alters the object, a ' +
      'rename stays one object) and records it as synced, so the next run moves nothing. `body` is checked ' +
      'against the object’s type (`errors` names each `body.<FIELD>`). A conflict already resolved is a 409 ' +
      '`conflict-already-resolved` (who resolved it, how and when); a books server that does not answer is a ' +
      '503 `books-unreachable` naming the company, and nothing is recorded as resolved (resolve again once it ' +
      'is reachable); books that refuse the object answer 422 `books-refused-resolution` with Tally’s text.',
  })
  @ApiOkResponse({ type: BranchConflictResponseDto, description: 'The conflict, resolved.' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  resolve(
    @CurrentFirmId() firmId: string,
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: ResolveConflictRequestDto,
  ): Promise<BranchConflictResponseDto> {
    const decision = body.keep !== undefined ? { keep: body.keep } : { body: body.body };
    return this.books.request({
      method: 'POST',
      path: `/internal/v1/firms/${firmId}/branch-conflicts/${id}/resolve`,
      body: { ...decision, resolvedBy: actorOf(principal) },
    });
  }
}
