import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Categories, CategoryAliases, Portals } from '@practice-sync/contracts';
import type { ServiceHttpClient } from '@practice-sync/service-http';

import { Access } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { SYNC_ORCHESTRATOR } from '../upstream/upstream.module';

export class CategoryResponseDto {
  @ApiProperty({ enum: Categories, example: 'gst.gstr2b' })
  id!: string;

  @ApiProperty({ enum: Portals, example: 'gst' })
  portal!: string;

  @ApiProperty({
    enum: ['gstin', 'pan', 'esignClientFileId'],
    example: 'gstin',
    description: 'Which identifier of a client the jobs run per (one job per GSTIN, PAN or client file).',
  })
  subject!: string;

  @ApiProperty({ example: 'GSTR-2B (all pages)', description: 'What the category syncs.' })
  description!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '102026',
    description:
      'The period a run uses for this category when it names none, as of now: the latest period that has ' +
      'data (GST: the latest closed month, GSTR-2B the latest generated; Income Tax: the last completed ' +
      'assessment year). Null for e-sign, which has no period.',
  })
  defaultPeriod!: string | null;
}

export class CategoryListResponseDto {
  @ApiProperty({ type: [CategoryResponseDto] })
  items!: CategoryResponseDto[];
}

/** The category catalogue; the orchestrator owns the default periods (its clock decides them). */
@ApiTags('Categories')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('categories')
export class CategoriesController {
  constructor(@Inject(SYNC_ORCHESTRATOR) private readonly orchestrator: ServiceHttpClient) {}

  @Get()
  @Access({ platform: true })
  @ApiOperation({
    summary: 'The catalogue of data categories',
    description:
      'Every category a run may sync, with its portal, subject kind, what it syncs and its default period. ' +
      `A run may also name the aliases ${CategoryAliases.map((a) => `\`${a}\``).join(', ')} ` +
      '(`all`: every category of every portal). Any API key may read it.',
  })
  @ApiOkResponse({ type: CategoryListResponseDto })
  @ApiProblemResponses(401, 429, 503, 504)
  list(): Promise<CategoryListResponseDto> {
    return this.orchestrator.request({ method: 'GET', path: '/internal/v1/categories' });
  }
}
