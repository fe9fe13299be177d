import { Controller, Get, Param, Query } from '@nestjs/common';
import { panProblem } from '@practice-sync/contracts';

import { invalidRequest } from '../common/sandbox.exception';
import type { StatementKind } from '../world/ais.generator';
import { statement, STATEMENT_KINDS, statementFails } from '../world/ais.generator';
import { WorldService } from '../world/world.service';

interface StatementFacts {
  /** The portal fails to prepare this download (its job ends `failed`). */
  fails: boolean;
  /** Entries the download holds when it does not fail. */
  entries: number;
}

/** What a test needs to know about a PAN's world without calling the portal (not faulted, not counted). */
@Controller('itr')
export class ItrSandboxController {
  constructor(private readonly world: WorldService) {}

  /** `?fy=YYYY-YY`: that financial year's AIS, TIS and Form 26AS as the portal would prepare them. */
  @Get('_sandbox/taxpayers/:pan')
  taxpayer(
    @Param('pan') pan: string,
    @Query('fy') fy?: string,
  ): { pan: string; statements?: Record<StatementKind, StatementFacts> } {
    const problem = panProblem(pan);
    if (problem) throw invalidRequest('Invalid PAN', [{ field: 'pan', message: problem }]);
    if (fy === undefined) return { pan };
    if (!/^\d{4}-\d{2}$/.test(fy) || (Number(fy.slice(0, 4)) + 1) % 100 !== Number(fy.slice(5))) {
      throw invalidRequest('Invalid financial year', [
        { field: 'fy', message: 'must be YYYY-YY of consecutive years, e.g. 2025-26' },
      ]);
    }
    const statements = {} as Record<StatementKind, StatementFacts>;
    for (const kind of STATEMENT_KINDS) {
      statements[kind] = {
        fails: statementFails(this.world.seed, pan, kind, fy),
        entries: statement(this.world.seed, pan, kind, fy).entries.length,
      };
    }
    return { pan, statements };
  }
}
