import { Body, Controller, Get, Headers, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { isYearRange, panProblem } from '@practice-sync/contracts';
import type { Response } from 'express';
import { z } from 'zod';

import { firstString } from '../common/portal';
import { itrError, itrOk } from '../common/portal-errors';
import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import { STATEMENT_KINDS } from '../world/ais.generator';
import { eProceedings, outstandingDemand } from '../world/itr-proceedings.generator';
import { WorldService } from '../world/world.service';
import { allowItr } from './itr-access';
import { ItrJobsService } from './itr-jobs.service';
import { ItrSessionService } from './itr-session.service';

type Q = Record<string, unknown>;
export const MAX_PROCEEDINGS_PAGE = 50;

const pagingSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PROCEEDINGS_PAGE).default(MAX_PROCEEDINGS_PAGE),
});
const jobSchema = z.object({
  pan: z.string(),
  kind: z.enum(STATEMENT_KINDS),
  financialYear: z.string().refine(isYearRange, 'must be YYYY-YY'),
});

/** The e-filing portal data practice software reads (unofficial JSON behind the intermediary session). */
@Controller('itr/portal/v1')
export class ItrController {
  constructor(
    private readonly world: WorldService,
    private readonly sessions: ItrSessionService,
    private readonly jobs: ItrJobsService,
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
  ) {}

  @Get('filing-status')
  filingStatus(@Query() q: Q, @Headers() h: Q, @Res() res: Response): void {
    const pan = this.pan(q.pan, h, res);
    if (pan) res.status(200).json(itrOk(this.world.filedReturns(pan)));
  }

  @Get('e-proceedings')
  proceedings(@Query() q: Q, @Headers() h: Q, @Res() res: Response): void {
    const paging = pagingSchema.safeParse({ page: q.page, pageSize: q.pageSize });
    if (!paging.success) {
      res.status(400).json(itrError(400, `page must be ≥ 1 and pageSize 1..${MAX_PROCEEDINGS_PAGE}`));
      return;
    }
    const pan = this.pan(q.pan, h, res);
    if (!pan) return;
    const { page, pageSize } = paging.data;
    const all = eProceedings(this.world.seed, pan, this.world.now());
    const proceedings = all.slice((page - 1) * pageSize, page * pageSize);
    const nextPage = page * pageSize < all.length ? page + 1 : null;
    res.status(200).json(itrOk({ proceedings, page, pageSize, totalCount: all.length, nextPage }));
  }

  @Get('outstanding-demand')
  demand(@Query() q: Q, @Headers() h: Q, @Res() res: Response): void {
    const pan = this.pan(q.pan, h, res);
    if (pan) res.status(200).json(itrOk(outstandingDemand(this.world.seed, pan, this.world.now())));
  }

  @Post('statements')
  createJob(@Body() body: unknown, @Headers() h: Q, @Res() res: Response): void {
    const parsed = jobSchema.safeParse(body);
    if (!parsed.success) {
      res.status(400).json(itrError(400, 'body must be { pan, kind: AIS|TIS|26AS, financialYear: YYYY-YY }'));
      return;
    }
    const pan = this.pan(parsed.data.pan, h, res);
    if (pan) res.status(202).json(itrOk(this.jobs.create(pan, parsed.data.kind, parsed.data.financialYear)));
  }

  @Get('statements/:jobId')
  getJob(@Param('jobId') jobId: string, @Query() q: Q, @Headers() h: Q, @Res() res: Response): void {
    const pan = this.pan(q.pan, h, res);
    if (!pan) return;
    const job = this.jobs.get(jobId, pan);
    if (job) res.status(200).json(itrOk(job));
    else res.status(404).json(itrError(404, 'No such download job for this PAN'));
  }

  /** A valid PAN the caller may read, or undefined after answering the refusal. */
  private pan(value: unknown, headers: Q, res: Response): string | undefined {
    const pan = firstString(value) ?? '';
    const problem = panProblem(pan);
    if (problem) {
      res.status(400).json(itrError(400, `pan ${problem}`));
      return undefined;
    }
    return allowItr(this.config.SANDBOX_REQUIRE_SESSIONS, this.sessions, headers, res, pan) ? pan : undefined;
  }
}
