import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import type { StatementFile, StatementKind } from '../world/ais.generator';
import { statement, statementFails } from '../world/ais.generator';

export interface StatementJob {
  jobId: string;
  pan: string;
  kind: StatementKind;
  financialYear: string;
  status: 'queued' | 'done' | 'failed';
  file: StatementFile | null;
  failureReason: string | null;
}

/**
 * AIS, TIS and Form 26AS downloads are asynchronous: a job is queued, then done (with its file) or failed.
 * Readiness is in real time (SANDBOX_ITR_JOB_READY_MS), so a connector polls as it would on the portal.
 */
@Injectable()
export class ItrJobsService {
  private readonly jobs = new Map<
    string,
    { pan: string; kind: StatementKind; fy: string; readyAtMs: number }
  >();

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {}

  create(pan: string, kind: StatementKind, fy: string): StatementJob {
    const jobId = `job_${randomBytes(8).toString('hex')}`;
    this.jobs.set(jobId, { pan, kind, fy, readyAtMs: Date.now() + this.config.SANDBOX_ITR_JOB_READY_MS });
    return this.get(jobId, pan) as StatementJob;
  }

  /** The job as seen now, or undefined when unknown (or another PAN's). */
  get(jobId: string, pan: string): StatementJob | undefined {
    const job = this.jobs.get(jobId);
    if (!job || job.pan !== pan) return undefined;
    const base = { jobId, pan, kind: job.kind, financialYear: job.fy, file: null, failureReason: null };
    if (Date.now() < job.readyAtMs) return { ...base, status: 'queued' };
    const seed = this.config.SANDBOX_WORLD_SEED;
    if (statementFails(seed, pan, job.kind, job.fy)) {
      return {
        ...base,
        status: 'failed',
        failureReason: 'TRACES could not prepare the file; request it again later',
      };
    }
    return { ...base, status: 'done', file: statement(seed, pan, job.kind, job.fy) };
  }

  reset(): void {
    this.jobs.clear();
  }
}
