import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SyncRunChanged } from '@practice-sync/contracts';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';

import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { totalsOf } from '../runs/run-totals';
import { SyncRunEntity } from '../runs/sync-run.entity';

const HEARTBEAT_MS = 15_000;

/** The SyncRunChanged data a stream sends for a run as it is now. */
export function streamEventOf(run: SyncRunEntity, first: boolean): SyncRunChanged {
  const terminal = isStreamTerminal(run);
  let change: SyncRunChanged['change'] = 'progress';
  if (terminal) change = run.status === 'completed' ? 'completed' : 'cancelled';
  else if (first)
    change = run.status === 'queued' ? 'created' : run.status === 'running' ? 'started' : 'progress';
  return {
    runId: run.id,
    change,
    status: run.status,
    totals: totalsOf(run),
    startedAt: run.startedAt ? run.startedAt.toISOString() : null,
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
  };
}

/** Completed, or cancelled with every in-flight job reported. */
export function isStreamTerminal(run: Pick<SyncRunEntity, 'status' | 'finishedAt'>): boolean {
  return run.status === 'completed' || (run.status === 'cancelled' && run.finishedAt !== null);
}

/**
 * `GET …/sync-runs/{id}/events` as Server-Sent Events. The stream reads the run row (the source of truth,
 * on any instance) every SSE_POLL_MS and sends an event only when it changed, so progress is coalesced to
 * at most one event per poll however fast results arrive; the terminal event closes the stream.
 * It does not follow `sync.runs.v1`: that topic's progress is coalesced to one event per PROGRESS_INTERVAL_MS
 * (later still for a dirty run, flushed by the dispatch loop), so its frames would be fewer and later than the
 * row's; and a consumer joining from the latest offset misses what is published before it is assigned its
 * partitions, so the row would still have to be polled not to miss the terminal event.
 */
@Injectable()
export class RunStreamService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  async stream(run: SyncRunEntity, req: Request, res: Response): Promise<void> {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    let closed = false;
    req.on('close', () => (closed = true));
    const send = (data: SyncRunChanged) =>
      res.write(`event: ${data.change}\ndata: ${JSON.stringify(data)}\n\n`);

    let current: SyncRunEntity | null = run;
    let last = signature(run);
    send(streamEventOf(run, true));
    let lastWrite = Date.now();
    while (!closed && current && !isStreamTerminal(current)) {
      await new Promise((r) => setTimeout(r, this.config.SSE_POLL_MS));
      current = await this.dataSource.manager.findOne(SyncRunEntity, { where: { id: run.id } });
      if (!current || closed) break;
      const sig = signature(current);
      if (sig !== last) {
        last = sig;
        send(streamEventOf(current, false));
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
        // A comment line keeps proxies from closing an idle stream.
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
    }
    res.end();
  }
}

function signature(run: SyncRunEntity): string {
  return JSON.stringify([run.status, totalsOf(run), run.finishedAt?.getTime() ?? null]);
}
