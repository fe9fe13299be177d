import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';

import { BooksService } from '../books/books.service';
import { isPortal, PORTALS } from '../common/portal';
import { invalidRequest } from '../common/sandbox.exception';
import { EsignAccessService } from '../esign/esign-access.service';
import type { FaultSettings } from '../faults/fault-settings';
import { faultPatchSchema } from '../faults/fault-settings';
import { FaultsService } from '../faults/faults.service';
import type { SandboxStats } from '../faults/stats.service';
import { StatsService } from '../faults/stats.service';
import { GstAuthService } from '../gst/gst-auth.service';
import { GstQueueService } from '../gst/gst-queue.service';
import { ItrJobsService } from '../itr/itr-jobs.service';
import { ItrSessionService } from '../itr/itr-session.service';
import { SandboxClock } from '../world/sandbox-clock';
import { WorldService } from '../world/world.service';
import type { ClockResponseDto } from './control.dto';
import { clockAdvanceSchema, parseBody } from './control.dto';

/** Tests and demos steer the sandbox here; never part of a real portal, never behind the fault layer. */
@Controller('_sandbox')
export class ControlController {
  constructor(
    private readonly world: WorldService,
    private readonly clock: SandboxClock,
    private readonly faults: FaultsService,
    private readonly stats: StatsService,
    private readonly gstAuth: GstAuthService,
    private readonly gstQueue: GstQueueService,
    private readonly itrSessions: ItrSessionService,
    private readonly itrJobs: ItrJobsService,
    private readonly esignAccess: EsignAccessService,
    private readonly books: BooksService,
  ) {}

  /** Back to boot state: clock at its start, no faults, zero counts, no sessions, consents, jobs, caches or books. */
  @Post('reset')
  @HttpCode(200)
  reset(): ClockResponseDto & { faults: Record<string, FaultSettings> } {
    this.world.reset();
    this.faults.reset();
    this.stats.reset();
    for (const service of [
      this.gstAuth,
      this.gstQueue,
      this.itrSessions,
      this.itrJobs,
      this.esignAccess,
      this.books,
    ]) {
      service.reset();
    }
    return { ...this.clockState(), faults: this.faults.all() };
  }

  @Get('faults')
  allFaults(): Record<string, FaultSettings> {
    return this.faults.all();
  }

  @Put('faults/:portal')
  setFaults(@Param('portal') portal: string, @Body() body: unknown): FaultSettings {
    if (!isPortal(portal)) {
      throw invalidRequest(`Unknown portal "${portal}"`, [
        { field: 'portal', message: `must be one of ${PORTALS.join(', ')}` },
      ]);
    }
    return this.faults.update(portal, parseBody(faultPatchSchema, body, `Faults for ${portal}`));
  }

  @Get('clock')
  getClock(): ClockResponseDto {
    return this.clockState();
  }

  @Post('clock/advance')
  @HttpCode(200)
  advance(@Body() body: unknown): ClockResponseDto {
    const { days } = parseBody(clockAdvanceSchema, body, 'Clock advance');
    this.clock.advanceDays(days);
    return this.clockState();
  }

  @Get('stats')
  getStats(): SandboxStats {
    return this.stats.snapshot();
  }

  private clockState(): ClockResponseDto {
    return { now: this.clock.now().toISOString(), offsetDays: this.clock.offsetDays() };
  }
}
