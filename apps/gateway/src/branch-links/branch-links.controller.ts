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
  Res,
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
import {
  BranchSnapshotRequestDto,
  CreateBranchLinkRequestDto,
  RejectRuleRequestDto,
  UpdateBranchLinkRequestDto,
} from '@practice-sync/validation';
import type { Response } from 'express';

import { Access, ADMIN_ONLY, CurrentFirmId, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { PaginationQueryDto } from '../common/pagination.dto';
import { sentFields } from '../common/sent-fields';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { SyncRunResponseDto } from '../sync-runs/dto/sync-run-response.dto';
import { CLIENT_MASTER, SYNC_ORCHESTRATOR } from '../upstream/upstream.module';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { BranchLinkListResponseDto, BranchLinkResponseDto } from './dto/branch-link-response.dto';

const RULE_DECISIONS =
  'The server side may change its mind: an active rule may be rejected and a rejected one activated; ' +
  'deciding what already holds changes nothing (rejecting again replaces the reason).';

/**
 * Links between two of the firm's companies and their rules; stored by client-master. Admin keys (and admin
 * users) define, change and delete them and decide rules; operators restart a failed link (a run, by
 * sync-orchestrator); every key reads them.
 */
@ApiTags('Branch sync')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('branch-links')
export class BranchLinksController {
  constructor(
    @Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient,
    @Inject(SYNC_ORCHESTRATOR) private readonly orchestrator: ServiceHttpClient,
  ) {}

  @Post()
  @Access({ firmRoles: ADMIN_ONLY })
  @Idempotent()
  @ApiOperation({
    summary: 'Link a client company to a server company (admin keys only)',
    description:
      "Tally's client/server model: rules are proposed by the client company's side and created `proposed`; " +
      'they move nothing until the server side activates them. The link starts `online` with nothing held. ' +
      "A company id that is not one of the firm's is a 422 `unknown-reference` naming the field; the same " +
      'pair linked again is a 409 `duplicate-link` whose `linkId` is the existing link.',
  })
  @ApiCreatedResponse({ type: BranchLinkResponseDto, description: 'The link as stored.' })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422, 429, 503, 504)
  create(
    @CurrentFirmId() firmId: string,
    @Body() body: CreateBranchLinkRequestDto,
  ): Promise<BranchLinkResponseDto> {
    return this.clientMaster.request({ method: 'POST', path: base(firmId), body });
  }

  @Get()
  @ApiOperation({
    summary: 'List branch links',
    description: 'Ordered by id (creation order), with their rules.',
  })
  @ApiOkResponse({ type: BranchLinkListResponseDto })
  @ApiProblemResponses(400, 401, 429, 503, 504)
  list(
    @CurrentFirmId() firmId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<BranchLinkListResponseDto> {
    const { limit, cursor } = query;
    return this.clientMaster.request({ method: 'GET', path: base(firmId), query: { limit, cursor } });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a branch link with its rules and state' })
  @ApiOkResponse({ type: BranchLinkResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  get(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<BranchLinkResponseDto> {
    return this.clientMaster.request({ method: 'GET', path: `${base(firmId)}/${id}` });
  }

  @Patch(':id')
  @Access({ firmRoles: ADMIN_ONLY })
  @ApiOperation({
    summary: 'Change the mode, add or remove rules (admin keys only)',
    description:
      'Added rules are created `proposed`; a rule is never edited in place (remove it and add the new one, ' +
      'which the server side decides again). A `removeRuleIds` entry that is not a rule of this link is a ' +
      '422 `unknown-reference` naming it.',
  })
  @ApiOkResponse({ type: BranchLinkResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 413, 415, 422, 429, 503, 504)
  update(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateBranchLinkRequestDto,
  ): Promise<BranchLinkResponseDto> {
    return this.clientMaster.request({
      method: 'PATCH',
      path: `${base(firmId)}/${id}`,
      body: sentFields(body),
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Access({ firmRoles: ADMIN_ONLY })
  @ApiOperation({ summary: 'Delete a branch link and its rules (admin keys only)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async remove(@CurrentFirmId() firmId: string, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.clientMaster.request({ method: 'DELETE', path: `${base(firmId)}/${id}` });
  }

  @Post(':id/rules/:ruleId/activate')
  @HttpCode(HttpStatus.OK)
  @Access({ firmRoles: ADMIN_ONLY })
  @ApiOperation({
    summary: 'The server side activates a rule (admin keys only)',
    description: `The rule becomes \`active\`: the next runs move what it covers. ${RULE_DECISIONS}`,
  })
  @ApiOkResponse({ type: BranchLinkResponseDto, description: 'The link with the rule decided.' })
  @ApiProblemResponses(400, 401, 403, 404, 429, 503, 504)
  activate(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Param('ruleId', UuidParamPipe) ruleId: string,
  ): Promise<BranchLinkResponseDto> {
    return this.clientMaster.request({
      method: 'POST',
      path: `${base(firmId)}/${id}/rules/${ruleId}/activate`,
    });
  }

  @Post(':id/snapshot')
  @HttpCode(HttpStatus.CREATED)
  @Access({ firmRoles: WRITE_ROLES })
  @Idempotent()
  @ApiOperation({
    summary: "Bootstrap the client company with a snapshot of the server company's books (operator or admin)",
    description:
      "Starts a sync run of one `books.snapshot` job for the link: the server company's full books (masters " +
      'in dependency order, then vouchers; only what its active receive rules allow) are copied to the client ' +
      'company in chunks, each acknowledged before the next; a job killed mid-way resumes from the first ' +
      "chunk not acknowledged. Then the link's watermarks move past the snapshot, so the next run moves only " +
      'newer changes. Into a client company whose books are not empty the job fails `books_not_empty` and ' +
      "imports nothing, unless `replace: true` (objects with the server's GUIDs are altered to the " +
      "server's version; nothing is deleted). A link that is not the firm's is a 404; a link with no active " +
      'rule moving books from server to client is a 409 saying which rules to activate.',
  })
  @ApiCreatedResponse({ type: SyncRunResponseDto, description: 'The queued run; `Location` is its URL.' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415, 429, 503, 504)
  async snapshot(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: BranchSnapshotRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncRunResponseDto> {
    const run: SyncRunResponseDto = await this.orchestrator.request({
      method: 'POST',
      path: `${base(firmId)}/${id}/snapshot`,
      body: sentFields(body),
    });
    res.location(`/v1/sync-runs/${run.id}`);
    return run;
  }

  @Post(':id/rules/:ruleId/reject')
  @HttpCode(HttpStatus.OK)
  @Access({ firmRoles: ADMIN_ONLY })
  @ApiOperation({
    summary: 'The server side rejects a rule, saying why (admin keys only)',
    description: `The rule becomes \`rejected\` with the reason and moves nothing. ${RULE_DECISIONS}`,
  })
  @ApiOkResponse({ type: BranchLinkResponseDto, description: 'The link with the rule decided.' })
  @ApiProblemResponses(400, 401, 403, 404, 413, 415, 429, 503, 504)
  reject(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Param('ruleId', UuidParamPipe) ruleId: string,
    @Body() body: RejectRuleRequestDto,
  ): Promise<BranchLinkResponseDto> {
    return this.clientMaster.request({
      method: 'POST',
      path: `${base(firmId)}/${id}/rules/${ruleId}/reject`,
      body,
    });
  }

  @Post(':id/restart')
  @HttpCode(HttpStatus.CREATED)
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: 'Restart a failed link (operators and admins)',
    description:
      'Starts a branch sync run of this link over the classes its active rules move (as `POST /v1/sync-runs` ' +
      'with `links: { ids: [id] }` would) and answers it with `Location: /v1/sync-runs/{runId}`. Allowed when ' +
      'the link is `failed`, `offline` (held changes are tried again) or `syncing` with no run going (a ' +
      'stalled sync). Refused: a run over the link still queued or running, 409 `link-syncing` naming it ' +
      '(`runId`; a second Restart while the first run goes is this, so no Idempotency-Key is needed); an ' +
      '`online` link, 409 `link-not-failed` (nothing failed: start a run to sync it now); a link without ' +
      'an active rule, 422 `no-active-rule`.',
  })
  @ApiCreatedResponse({
    type: SyncRunResponseDto,
    description: 'The queued run.',
    headers: { Location: { description: 'The run: /v1/sync-runs/{runId}', schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 429, 503, 504)
  async restart(
    @CurrentFirmId() firmId: string,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncRunResponseDto> {
    const run = await this.orchestrator.request<SyncRunResponseDto>({
      method: 'POST',
      path: `${base(firmId)}/${id}/restart`,
    });
    res.setHeader('Location', `/v1/sync-runs/${run.id}`);
    return run;
  }
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/branch-links`;
}
