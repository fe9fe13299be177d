import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { LOST_JOB_RUNS_SQL } from './lost-jobs.step';
import { DUE_PROGRESS_RUNS_SQL } from './progress-flush.step';
import { WAITER_RUNS_SQL } from './waiters.step';

/** The runs each housekeeping step has work in, in id order; and whether any job is not done yet. */
export interface HousekeepingWork {
  lost: string[];
  waiting: string[];
  dueProgress: string[];
  /** A job is pending or running (false: nothing to dispatch, expire or wait for until a run is fanned out). */
  open: boolean;
}

/** `open` reads the partial index `sync_jobs_open_idx` (status <> 'done'): one entry when anything is open. */
const PROBE_SQL = `SELECT ARRAY(${LOST_JOB_RUNS_SQL}) AS lost, ARRAY(${WAITER_RUNS_SQL}) AS waiting,
  ARRAY(${DUE_PROGRESS_RUNS_SQL}) AS due_progress,
  EXISTS (SELECT 1 FROM sync_jobs WHERE status <> 'done') AS open`;

/**
 * What the housekeeping steps (lost jobs, waiters, held-back progress) have to do, asked in one statement: most
 * passes find nothing, and asking each step apart cost three transactions per pass, several a second (issue 26).
 */
@Injectable()
export class HousekeepingProbe {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  async probe(): Promise<HousekeepingWork> {
    const [row] = (await this.dataSource.query(PROBE_SQL, [this.config.PROGRESS_INTERVAL_MS])) as {
      lost: string[];
      waiting: string[];
      due_progress: string[];
      open: boolean;
    }[];
    return { lost: row.lost, waiting: row.waiting, dueProgress: row.due_progress, open: row.open };
  }
}
