import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { expandCategories } from '@practice-sync/contracts';
import { enqueueEvents } from '@practice-sync/messaging';
import type { FindOptionsWhere } from 'typeorm';
import { DataSource, LessThan, MoreThan } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import { decodeCursor, pageOf } from '../common/cursor';
import { resolveRunPeriods } from '../fan-out/default-period';
import { FanOutWorker } from '../fan-out/fan-out.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { runChangedEvent } from './run-events';
import { SyncJobEntity } from './sync-job.entity';
import { SyncRunEntity } from './sync-run.entity';
import { toSyncJobDto, toSyncRunDto } from './sync-run.mapper';
import type {
  CreateSyncRunRequestDto,
  ListSyncJobsQueryDto,
  ListSyncRunsQueryDto,
  PageDto,
  SyncJobResponseDto,
  SyncRunResponseDto,
} from './sync-runs.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class SyncRunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly fanOut: FanOutWorker,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /**
   * Stores the run as queued (the durable intent the fan-out worker picks up) with its `created` event, and
   * returns at once; jobs are created asynchronously.
   */
  async create(firmId: string, request: CreateSyncRunRequestDto): Promise<SyncRunResponseDto> {
    const now = this.clock.now();
    const categories = expandCategories(request.categories);
    const run = this.dataSource.manager.create(SyncRunEntity, {
      id: uuidv7(),
      firmId,
      status: 'queued',
      selection: request.clients,
      categories,
      period: resolveRunPeriods(categories, request.period, now),
      scheduleId: null,
      jobsTotal: 0,
      pending: 0,
      running: 0,
      succeeded: 0,
      noChange: 0,
      failed: 0,
      skipped: 0,
      cancelled: 0,
      fanOutPage: 0,
      fanOutCursor: null,
      fanOutLeaseUntil: null,
      fanOutError: null,
      fanOutDoneAt: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    });
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(SyncRunEntity, run);
      await enqueueEvents(manager, [runChangedEvent(run, 'created', run.id)]);
    });
    this.metrics.runEntered('queued');
    this.fanOut.nudge();
    return toSyncRunDto(run);
  }

  async list(firmId: string, query: ListSyncRunsQueryDto): Promise<PageDto<SyncRunResponseDto>> {
    const where: FindOptionsWhere<SyncRunEntity> = { firmId };
    if (query.cursor) where.id = LessThan(decodeCursor(query.cursor));
    const rows = await this.dataSource.manager.find(SyncRunEntity, {
      where,
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    const page = pageOf(rows, query.limit);
    return { items: page.rows.map(toSyncRunDto), nextCursor: page.nextCursor };
  }

  async get(firmId: string, runId: string): Promise<SyncRunResponseDto> {
    return toSyncRunDto(await this.findRun(firmId, runId));
  }

  async listJobs(
    firmId: string,
    runId: string,
    query: ListSyncJobsQueryDto,
  ): Promise<PageDto<SyncJobResponseDto>> {
    const run = await this.findRun(firmId, runId);
    const where: FindOptionsWhere<SyncJobEntity> = { runId: run.id, firmId };
    if (query.outcome) where.outcome = query.outcome;
    if (query.clientId) where.clientId = query.clientId;
    if (query.cursor) where.id = MoreThan(decodeCursor(query.cursor));
    const rows = await this.dataSource.manager.find(SyncJobEntity, {
      where,
      order: { id: 'ASC' },
      take: query.limit + 1,
    });
    const page = pageOf(rows, query.limit);
    return { items: page.rows.map(toSyncJobDto), nextCursor: page.nextCursor };
  }

  private async findRun(firmId: string, runId: string): Promise<SyncRunEntity> {
    const run = UUID.test(runId)
      ? await this.dataSource.manager.findOne(SyncRunEntity, { where: { id: runId, firmId } })
      : null;
    if (!run) throw new NotFoundException(`sync run ${runId} does not exist in this firm`);
    return run;
  }
}
