import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BooksCategories, expandCategories } from '@practice-sync/contracts';
import { NotFoundProblem } from '@practice-sync/problems';
import type { CreateSyncRunRequestDto } from '@practice-sync/validation';
import type { FindOptionsWhere } from 'typeorm';
import { DataSource, In, LessThan, MoreThan } from 'typeorm';

import type { ClientDirectory } from '../client-master/client-master.client';
import { CLIENT_DIRECTORY } from '../client-master/client-master.client';
import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import { decodeCursor, pageOf } from '../common/cursor';
import { assertPeriodsAvailable, resolveRunPeriods } from '../fan-out/default-period';
import { FanOutWorker } from '../fan-out/fan-out.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import type { NewRun } from '../runs/new-run';
import { insertRun, insertRunOnce, runByIdempotencyKey } from '../runs/new-run';
import { readRun } from '../runs/run-announcer';
import type { ClientSelection, LinkSelection } from '../runs/run-scope';
import { SyncJobEntity } from '../runs/sync-job.entity';
import { SyncRunEntity } from '../runs/sync-run.entity';
import { SelectionCheck, snapshotLink } from './selection-check';
import {
  linkObjectsOf,
  outcomeCountsOf,
  taxpayerCountsOf,
  toSyncJobDto,
  toSyncRunDto,
} from './sync-run.mapper';
import type {
  ClientSummaryDto,
  LinkSummaryDto,
  ListSyncJobsQueryDto,
  ListSyncRunsQueryDto,
  PageDto,
  SyncJobResponseDto,
  SyncRunResponseDto,
} from './sync-runs.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What `toSyncRunDto` reads of a run. */
const RUN_READ_COLUMNS: (keyof SyncRunEntity & string)[] = [
  'id',
  'status',
  'subjectKind',
  'selection',
  'categories',
  'period',
  'jobsTotal',
  'pending',
  'running',
  'succeeded',
  'noChange',
  'failed',
  'skipped',
  'cancelled',
  'noData',
  'partial',
  'createdAt',
  'startedAt',
  'finishedAt',
  'scheduleId',
];

@Injectable()
export class SyncRunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly fanOut: FanOutWorker,
    private readonly metrics: OrchestratorMetrics,
    private readonly selections: SelectionCheck,
    @Inject(CLIENT_DIRECTORY) private readonly directory: ClientDirectory,
  ) {}

  /**
   * Stores the run as queued (the durable intent the fan-out worker picks up) with its `created` event, and
   * returns at once; jobs are created asynchronously. With an `Idempotency-Key` the firm already created a run
   * with, that run is returned (as it is now) and nothing new is started, concurrent requests included.
   */
  async create(
    firmId: string,
    request: CreateSyncRunRequestDto,
    idempotencyKey?: string,
  ): Promise<SyncRunResponseDto> {
    const existing = await runByIdempotencyKey(this.dataSource.manager, firmId, idempotencyKey, null);
    if (existing) return toSyncRunDto(existing);
    const now = this.clock.now();
    const input = request.links
      ? await this.linksRun(firmId, request.links, request.categories)
      : await this.clientsRun(firmId, request, now);
    const { run, created } = await insertRunOnce(this.dataSource, { ...input, idempotencyKey }, now);
    if (created) {
      this.metrics.runEntered('queued');
      this.fanOut.nudge();
    }
    return toSyncRunDto(run);
  }

  /**
   * POST /v1/branch-links/{id}/snapshot: a branch sync run of one `books.snapshot` job for the link, with its
   * `replace` option (whether the receiver's books must be empty is for connector-books to see, at the job).
   */
  async snapshot(firmId: string, linkId: string, replace: boolean): Promise<SyncRunResponseDto> {
    await snapshotLink(this.directory, firmId, linkId);
    const input: NewRun = {
      firmId,
      subjectKind: 'links',
      selection: { ids: [linkId] },
      categories: ['books.snapshot'],
      period: {},
      booksSnapshot: { replace },
    };
    const run = await this.dataSource.transaction((manager) => insertRun(manager, input, this.clock.now()));
    this.metrics.runEntered('queued');
    this.fanOut.nudge();
    return toSyncRunDto(run);
  }

  private async clientsRun(firmId: string, request: CreateSyncRunRequestDto, now: Date): Promise<NewRun> {
    // The validation (the same DTO in the gateway and here) guarantees exactly one of clients / links.
    const clients = request.clients as ClientSelection;
    assertPeriodsAvailable(request.period, now);
    await this.selections.assertMatches(firmId, clients, 'run');
    const categories = expandCategories(request.categories);
    return {
      firmId,
      selection: clients,
      categories,
      period: resolveRunPeriods(categories, request.period, now),
    };
  }

  /** A branch sync run: its links × books categories (catalogue order, no duplicates), no period. */
  private async linksRun(firmId: string, links: LinkSelection, requested: string[]): Promise<NewRun> {
    await this.selections.assertLinksMatch(firmId, links);
    return {
      firmId,
      subjectKind: 'links',
      selection: links,
      categories: BooksCategories.filter((c) => requested.includes(c)),
      period: {},
    };
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

  /**
   * The read a firm polls: one primary-key lookup of the columns the answer shows (the totals are counters on
   * the run's row, kept as jobs move, never a count over its jobs); not the fan-out state or a branch run's
   * books snapshot.
   */
  async get(firmId: string, runId: string): Promise<SyncRunResponseDto> {
    const run = UUID.test(runId)
      ? await readRun(this.dataSource.manager, firmId, runId, RUN_READ_COLUMNS)
      : null;
    if (!run) throw new NotFoundProblem(`sync run ${runId} does not exist in this firm`, 'Not Found');
    return toSyncRunDto(run);
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
    if (query.linkId) where.linkId = query.linkId;
    if (query.cursor) where.id = MoreThan(decodeCursor(query.cursor));
    const rows = await this.dataSource.manager.find(SyncJobEntity, {
      where,
      order: { id: 'ASC' },
      take: query.limit + 1,
    });
    const page = pageOf(rows, query.limit);
    return { items: page.rows.map(toSyncJobDto), nextCursor: page.nextCursor };
  }

  /**
   * Per client of the run (ordered by client id): its jobs and how many ended in each outcome; for a branch
   * sync run, per link (ordered by link id), with the objects its jobs moved.
   */
  async summary(
    firmId: string,
    runId: string,
    query: ListSyncRunsQueryDto,
  ): Promise<PageDto<ClientSummaryDto | LinkSummaryDto>> {
    const run = await this.findRun(firmId, runId);
    if (run.subjectKind === 'links') return this.linkSummary(run, query);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const clients: { client_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT client_id FROM sync_jobs
        WHERE run_id = $1 AND ($2::uuid IS NULL OR client_id > $2::uuid)
        ORDER BY client_id LIMIT $3`,
      [run.id, after, query.limit + 1],
    );
    const page = pageOf(
      clients.map((c) => ({ id: c.client_id })),
      query.limit,
    );
    const ids = page.rows.map((r) => r.id);
    const jobs = ids.length
      ? await this.dataSource.manager.find(SyncJobEntity, {
          where: { runId: run.id, clientId: In(ids) },
          order: { clientId: 'ASC', category: 'ASC', subjectValue: 'ASC' },
        })
      : [];
    const items = ids.map((clientId) => {
      const own = jobs.filter((j) => j.clientId === clientId);
      return {
        clientId,
        clientName: own.find((j) => j.clientName !== null)?.clientName ?? null,
        counts: outcomeCountsOf(own),
        taxpayers: taxpayerCountsOf(own),
        jobs: own.map(toSyncJobDto),
      };
    });
    return { items, nextCursor: page.nextCursor };
  }

  /** A branch sync run's log grouped by link: each link's jobs (one per class), outcomes and objects moved. */
  private async linkSummary(
    run: SyncRunEntity,
    query: ListSyncRunsQueryDto,
  ): Promise<PageDto<LinkSummaryDto>> {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const links: { link_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT link_id FROM sync_jobs
        WHERE run_id = $1 AND link_id IS NOT NULL AND ($2::uuid IS NULL OR link_id > $2::uuid)
        ORDER BY link_id LIMIT $3`,
      [run.id, after, query.limit + 1],
    );
    const page = pageOf(
      links.map((l) => ({ id: l.link_id })),
      query.limit,
    );
    const ids = page.rows.map((r) => r.id);
    const jobs = ids.length
      ? await this.dataSource.manager.find(SyncJobEntity, {
          where: { runId: run.id, linkId: In(ids) },
          order: { linkId: 'ASC', category: 'ASC' },
        })
      : [];
    const items = ids.map((linkId) => {
      const own = jobs.filter((j) => j.linkId === linkId);
      return {
        linkId,
        counts: outcomeCountsOf(own),
        objects: linkObjectsOf(own),
        jobs: own.map(toSyncJobDto),
      };
    });
    return { items, nextCursor: page.nextCursor };
  }

  async findRun(firmId: string, runId: string): Promise<SyncRunEntity> {
    const run = UUID.test(runId) ? await readRun(this.dataSource.manager, firmId, runId) : null;
    if (!run) throw new NotFoundProblem(`sync run ${runId} does not exist in this firm`, 'Not Found');
    return run;
  }
}
