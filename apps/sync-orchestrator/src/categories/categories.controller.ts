import { Controller, Get, Inject } from '@nestjs/common';
import type { CategoryDescription } from '@practice-sync/contracts';
import { describeCatalogue } from '@practice-sync/contracts';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';

/**
 * The category catalogue with the period each category's jobs use when a run names none. Served here because
 * the orchestrator decides those defaults, by its clock, when it creates a run.
 */
@Controller('internal/v1/categories')
export class CategoriesController {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @Get()
  list(): { items: CategoryDescription[] } {
    return { items: describeCatalogue(this.clock.now()) };
  }
}
