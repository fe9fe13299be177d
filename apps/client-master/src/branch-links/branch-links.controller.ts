import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  CreateBranchLinkRequestDto,
  RejectRuleRequestDto,
  UpdateBranchLinkRequestDto,
} from '@practice-sync/validation';

import type { Page } from '../common/cursor';
import { PageQueryDto, SelectionPageRequestDto, SelectionRequestDto } from '../common/page-query.dto';
import { BranchLinksService } from './branch-links.service';
import type { BranchLinkDto, SelectedBranchLinkDto } from './dto/branch-link.dto';
import { parseLinkSelection } from './dto/select-branch-links.dto';

/** Internal API (cluster only): branch links and their rules, for the gateway and the orchestrator. */
@Controller('internal/v1/firms/:firmId/branch-links')
export class BranchLinksController {
  constructor(private readonly links: BranchLinksService) {}

  @Post()
  create(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Body() body: CreateBranchLinkRequestDto,
  ): Promise<BranchLinkDto> {
    return this.links.create(firmId, body);
  }

  @Get()
  list(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<BranchLinkDto>> {
    return this.links.list(firmId, query);
  }

  /** A branch sync run's links, a page at a time: both books servers and only the active rules. */
  @Post('select')
  @HttpCode(HttpStatus.OK)
  select(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Body() body: SelectionPageRequestDto,
  ): Promise<Page<SelectedBranchLinkDto>> {
    return this.links.select(firmId, parseLinkSelection(body.selection), {
      limit: body.limit,
      cursor: body.cursor,
    });
  }

  /** The ids of a selection that are no link of the firm (a run refuses them, naming each). */
  @Post('select/unmatched')
  @HttpCode(HttpStatus.OK)
  async unmatched(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Body() body: SelectionRequestDto,
  ): Promise<{ unmatched: string[] }> {
    return { unmatched: await this.links.unmatched(firmId, parseLinkSelection(body.selection)) };
  }

  @Get(':id')
  get(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<BranchLinkDto> {
    return this.links.get(firmId, id);
  }

  @Patch(':id')
  update(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateBranchLinkRequestDto,
  ): Promise<BranchLinkDto> {
    return this.links.update(firmId, id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    return this.links.remove(firmId, id);
  }

  @Post(':id/rules/:ruleId/activate')
  @HttpCode(HttpStatus.OK)
  activate(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('ruleId', ParseUUIDPipe) ruleId: string,
  ): Promise<BranchLinkDto> {
    return this.links.decide(firmId, id, ruleId, { kind: 'activate' });
  }

  @Post(':id/rules/:ruleId/reject')
  @HttpCode(HttpStatus.OK)
  reject(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('ruleId', ParseUUIDPipe) ruleId: string,
    @Body() body: RejectRuleRequestDto,
  ): Promise<BranchLinkDto> {
    return this.links.decide(firmId, id, ruleId, { kind: 'reject', reason: body.reason });
  }
}
