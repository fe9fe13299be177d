import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { cronProblem, DEFAULT_SCHEDULE_TIME_ZONE } from '@practice-sync/contracts';
import type { FieldError } from '@practice-sync/problems';
import { NotFoundProblem } from '@practice-sync/problems';
import { categoriesProblemsFor } from '@practice-sync/validation';
import { DataSource, MoreThan } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import { decodeCursor, pageOf } from '../common/cursor';
import { requestValidationProblem } from '../common/validation';
import { assertPeriodsAvailable } from '../fan-out/default-period';
import type { ClientSelection, LinkSelection } from '../runs/run-scope';
import { SelectionCheck } from '../sync-runs/selection-check';
import type { PageDto } from '../sync-runs/sync-runs.dto';
import { ScheduleWorker } from './schedule.worker';
import { nextRunAt } from './schedule-timing';
import { SyncScheduleEntity } from './sync-schedule.entity';
import type { CreateScheduleDto, ScheduleResponseDto, UpdateScheduleDto } from './sync-schedules.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toScheduleDto(s: SyncScheduleEntity): ScheduleResponseDto {
  return {
    id: s.id,
    name: s.name,
    subjectKind: s.subjectKind,
    clients: s.subjectKind === 'clients' ? (s.selection as ClientSelection) : null,
    links: s.subjectKind === 'links' ? (s.selection as LinkSelection) : null,
    categories: s.categories,
    period: s.period,
    every: s.every,
    cron: s.cron,
    timezone: s.timezone,
    notBefore: s.notBefore?.toISOString() ?? null,
    enabled: s.enabled,
    lastRunId: s.lastRunId,
    nextRunAt: s.nextRunAt?.toISOString() ?? null,
    skippedAt: s.skippedAt?.toISOString() ?? null,
    skipReason: s.skipReason,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

@Injectable()
export class SyncSchedulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly worker: ScheduleWorker,
    private readonly selections: SelectionCheck,
  ) {}

  async create(firmId: string, input: CreateScheduleDto): Promise<ScheduleResponseDto> {
    const now = this.clock.now();
    // The validation (exactly one of clients / links) guarantees one is set.
    const links = input.links;
    if (links) {
      // As for clients, only ids are checked: `all` may be saved before the firm's first link.
      if ('ids' in links) await this.selections.assertLinksMatch(firmId, links);
    } else {
      assertPeriodsAvailable(input.period, now);
      await this.selections.assertMatches(firmId, input.clients as ClientSelection, 'schedule');
    }
    const schedule = this.dataSource.manager.create(SyncScheduleEntity, {
      id: uuidv7(),
      firmId,
      name: input.name,
      subjectKind: links ? 'links' : 'clients',
      selection: links ?? (input.clients as ClientSelection),
      categories: input.categories,
      period: input.period ?? null,
      every: input.every ?? null,
      cron: input.cron ?? null,
      timezone: input.timezone ?? DEFAULT_SCHEDULE_TIME_ZONE,
      notBefore: input.notBefore ? new Date(input.notBefore) : null,
      enabled: input.enabled ?? true,
      lastRunId: null,
      nextRunAt: null,
      skippedAt: null,
      skipReason: null,
      createdAt: now,
      updatedAt: now,
    });
    schedule.nextRunAt = nextRunAt(schedule, now, true);
    await this.dataSource.manager.insert(SyncScheduleEntity, schedule);
    this.worker.nudge();
    return toScheduleDto(schedule);
  }

  async list(
    firmId: string,
    query: { limit: number; cursor?: string },
  ): Promise<PageDto<ScheduleResponseDto>> {
    const rows = await this.dataSource.manager.find(SyncScheduleEntity, {
      where: query.cursor ? { firmId, id: MoreThan(decodeCursor(query.cursor)) } : { firmId },
      order: { id: 'ASC' },
      take: query.limit + 1,
    });
    const page = pageOf(rows, query.limit);
    return { items: page.rows.map(toScheduleDto), nextCursor: page.nextCursor };
  }

  async get(firmId: string, id: string): Promise<ScheduleResponseDto> {
    return toScheduleDto(await this.find(firmId, id));
  }

  /** A changed rule, notBefore or enabled flag recomputes the next run (a re-enabled schedule runs soon). */
  async update(firmId: string, id: string, patch: UpdateScheduleDto): Promise<ScheduleResponseDto> {
    assertPeriodsAvailable(patch.period, this.clock.now());
    if (patch.clients) await this.selections.assertMatches(firmId, patch.clients, 'schedule');
    if (patch.links && 'ids' in patch.links) await this.selections.assertLinksMatch(firmId, patch.links);
    const updated = await this.dataSource.transaction(async (manager) => {
      const s = await manager.findOne(SyncScheduleEntity, {
        where: { id: UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000', firmId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!s) throw new NotFoundProblem(`sync schedule ${id} does not exist in this firm`, 'Not Found');
      const wasEnabled = s.enabled;
      const kindErrors = subjectProblems(s.subjectKind, patch);
      if (kindErrors.length) throw requestValidationProblem(kindErrors);
      if (patch.name !== undefined) s.name = patch.name;
      if (patch.clients !== undefined) s.selection = patch.clients;
      if (patch.links !== undefined) s.selection = patch.links;
      if (patch.categories !== undefined) s.categories = patch.categories;
      if (patch.period !== undefined) s.period = patch.period;
      if (patch.every !== undefined) s.every = patch.every;
      if (patch.cron !== undefined) s.cron = patch.cron;
      if (patch.timezone !== undefined) s.timezone = patch.timezone;
      if (patch.notBefore !== undefined) s.notBefore = patch.notBefore ? new Date(patch.notBefore) : null;
      if (patch.enabled !== undefined) s.enabled = patch.enabled;
      if (!!s.every === !!s.cron) {
        throw requestValidationProblem([{ field: 'every', message: 'give exactly one of every and cron' }]);
      }
      const now = this.clock.now();
      if (patch.timezone !== undefined && s.cron) {
        const problem = cronProblem(s.cron, s.timezone);
        if (problem) throw requestValidationProblem([{ field: 'cron', message: problem }]);
      }
      const timing = ['every', 'cron', 'timezone', 'notBefore', 'enabled'].some((k) => k in patch);
      if (timing) s.nextRunAt = nextRunAt(s, now, !wasEnabled || s.lastRunId === null);
      s.updatedAt = now;
      await manager.save(SyncScheduleEntity, s);
      return s;
    });
    this.worker.nudge();
    return toScheduleDto(updated);
  }

  async remove(firmId: string, id: string): Promise<void> {
    const s = await this.find(firmId, id);
    await this.dataSource.manager.delete(SyncScheduleEntity, { id: s.id, firmId });
  }

  private async find(firmId: string, id: string): Promise<SyncScheduleEntity> {
    const s = UUID.test(id)
      ? await this.dataSource.manager.findOne(SyncScheduleEntity, { where: { id, firmId } })
      : null;
    if (!s) throw new NotFoundProblem(`sync schedule ${id} does not exist in this firm`, 'Not Found');
    return s;
  }
}

/**
 * What a change may not do to a schedule given what it is over: switch between clients and links (a new
 * schedule is saved instead), give a branch sync a period, or hold categories of the other kind.
 */
export function subjectProblems(kind: 'clients' | 'links', patch: UpdateScheduleDto): FieldError[] {
  const other = kind === 'links' ? 'clients' : 'links';
  const errors: FieldError[] = [];
  if (patch[other] !== undefined) {
    errors.push({
      field: other,
      message:
        `this schedule is over ${kind}; what a schedule is over cannot change (send \`${kind}\`, or save a ` +
        `new schedule over ${other} and delete this one)`,
    });
  }
  if (kind === 'links' && patch.period !== undefined && patch.period !== null) {
    errors.push({
      field: 'period',
      message: 'must be omitted for a schedule over `links`: branch sync has no period',
    });
  }
  if (patch.categories !== undefined) {
    for (const p of categoriesProblemsFor(kind, patch.categories, 'schedule'))
      errors.push({ field: `categories${p.path}`, message: p.message });
  }
  return errors;
}
