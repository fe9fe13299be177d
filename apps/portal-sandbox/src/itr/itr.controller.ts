import { Controller, Get, Query, Res } from '@nestjs/common';
import { panProblem } from '@practice-sync/contracts';
import type { Response } from 'express';

import { firstString } from '../common/portal';
import { itrError } from '../common/portal-errors';
import { WorldService } from '../world/world.service';

/** The e-filing portal's filed-returns list (the unofficial JSON practice software reads). */
@Controller('itr/portal/v1')
export class ItrController {
  constructor(private readonly world: WorldService) {}

  @Get('filing-status')
  filingStatus(@Query() query: Record<string, unknown>, @Res() res: Response): void {
    const pan = firstString(query.pan) ?? '';
    const problem = panProblem(pan);
    if (problem) {
      res.status(400).json(itrError(400, `pan ${problem}`));
      return;
    }
    res.status(200).json({
      successFlag: true,
      httpStatus: 'OK',
      messages: [],
      errors: [],
      data: this.world.filedReturns(pan),
    });
  }
}
