import type {
  HandledJob,
  HandledResult,
  JobCompletion,
  JobHandler,
  PortalError,
} from '@practice-sync/connector-kit';
import { sentence } from '@practice-sync/connector-kit';
import type { BooksCounts, BooksJobCompleted, BooksJobRequested } from '@practice-sync/contracts';
import {
  BooksCategories,
  BooksChangesAppliedEvent,
  booksClassOf,
  BooksJobCompletedEvent,
  BooksJobRequestedEvent,
  BooksJobRequestedSchema,
  createEnvelope,
} from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';

import { conflictsMessage } from '../conflicts/conflicts-message';
import type { ConflictsStore } from '../conflicts/conflicts-store';
import { JobConflicts } from '../conflicts/job-conflicts';
import type { DirectionHold } from '../hold/books-hold';
import { BooksHold } from '../hold/books-hold';
import type { HeldIdentity } from '../hold/held-change';
import type { BooksServerClient } from '../tally/books-server.client';
import { directionsFor, rulesFor } from './books-rules';
import type { BooksStore } from './books-store';
import { companiesLabel } from './company-label';
import type { DirectionResult } from './direction-sync';
import { DirectionSync, zeroCounts } from './direction-sync';
import { errorCodeOf } from './object-results';

const add = (a: BooksCounts, b: BooksCounts): BooksCounts => ({
  created: a.created + b.created,
  altered: a.altered + b.altered,
  deleted: a.deleted + b.deleted,
  unchanged: a.unchanged + b.unchanged,
  held: a.held + b.held,
  conflicts: a.conflicts + b.conflicts,
  errors: a.errors + b.errors,
});

const DAY_MS = 86_400_000;
const days = (ms: number): string => {
  const d = Math.round((ms / DAY_MS) * 10) / 10;
  return `${d} day${d === 1 ? '' : 's'}`;
};

/** The job's outcome as the run log reads it; names companies by id only, nothing from the books. */
function judge(
  job: BooksJobRequested,
  counts: BooksCounts,
  error: PortalError | null,
  directions: number,
  hold: {
    expired: readonly HeldIdentity[];
    holdMs: number;
    unreachable: string[];
    sendersOffline: string[];
  } = {
    expired: [],
    holdMs: 0,
    unreachable: [],
    sendersOffline: [],
  },
  conflictIds: readonly string[] = [],
): Pick<BooksJobCompleted, 'errorCode' | 'errorMessage' | 'retryable'> & {
  outcome: JobCompletion['outcome'];
} {
  if (hold.expired.length) {
    const receivers = [
      ...new Set(
        hold.expired.map((e) => (e.direction === 'send' ? job.server.companyId : job.client.companyId)),
      ),
    ];
    return {
      outcome: 'failed',
      errorCode: 'hold_expired',
      errorMessage: `${hold.expired.length} held change(s) expired after ${days(hold.holdMs)} before ${companiesLabel(job, receivers)} took them; they were not applied (see the job's expired objects): a new sync (snapshot) of the link is needed`,
      retryable: false,
    };
  }
  if (error)
    return {
      outcome: 'failed',
      errorCode: error.code,
      errorMessage: error.message,
      retryable: error.retryable,
    };
  if (!directions) {
    return {
      outcome: 'no_change',
      errorCode: null,
      errorMessage: `no active rule of the link moves ${booksClassOf(job.category)}: nothing moved`,
      retryable: false,
    };
  }
  const queued = conflictsMessage(conflictIds);
  if (counts.errors > 0) {
    return {
      outcome: 'partial',
      errorCode: null,
      errorMessage: [
        `${counts.errors} object(s) refused by the receiving books (see the job's object errors); they are tried again next run`,
        queued,
      ]
        .filter(Boolean)
        .join('; '),
      retryable: false,
    };
  }
  if (counts.held > 0) {
    return {
      outcome: 'partial',
      errorCode: null,
      errorMessage: [
        `${counts.held} change(s) NOT applied yet: ${companiesLabel(job, hold.unreachable)} could not be reached, so practice-sync holds them (encrypted) and applies them in order once it can; held changes expire after ${days(hold.holdMs)}`,
        queued,
      ]
        .filter(Boolean)
        .join('; '),
      retryable: false,
    };
  }
  if (queued) return { outcome: 'partial', errorCode: null, errorMessage: queued, retryable: false };
  const moved = counts.created + counts.altered + counts.deleted;
  return {
    outcome: moved ? 'succeeded' : 'no_change',
    errorCode: null,
    errorMessage: hold.sendersOffline.length
      ? `${sentence(companiesLabel(job, hold.sendersOffline))} could not be reached (an on-demand link): its changes are read when it answers`
      : null,
    retryable: false,
  };
}

/**
 * A books job through the kit's JobHandler seam: each direction the link's active rules allow for the class
 * (send: client → server first, then receive), then, in the kit's fenced finishing transaction, the
 * watermarks, the refused objects' Tally errors, one books.changes.applied per applied batch and the result.
 */
export class BooksJobHandler implements JobHandler<BooksJobRequested> {
  readonly categories = BooksCategories;
  readonly intake = {
    contract: BooksJobRequestedEvent,
    record: (data: BooksJobRequested, firmId: string) => ({
      job: {
        jobId: data.jobId,
        attempt: data.attempt,
        runId: data.runId,
        // A link stands where a portal job has its client and identifier.
        clientId: data.linkId,
        firmId,
        category: data.category,
        subject: { kind: 'link', value: data.linkId },
        period: null,
      },
      payload: data,
    }),
  };

  constructor(
    private readonly client: BooksServerClient,
    private readonly store: BooksStore,
    private readonly batchSize: number,
    private readonly conflicts: ConflictsStore,
    private readonly hold: BooksHold | null = null,
  ) {}

  async handle(job: HandledJob, signal: AbortSignal): Promise<HandledResult> {
    const request = BooksJobRequestedSchema.parse(job.payload);
    const cls = booksClassOf(request.category);
    const directions = directionsFor(request.rules, cls);
    const sync = new DirectionSync(this.client, this.batchSize);
    const results: DirectionResult[] = [];
    const holds: DirectionHold[] = [];
    const heldAt = this.hold ? await this.hold.now() : new Date();
    const echoes = new Set<string>();
    const conflicts = await JobConflicts.start(this.conflicts, this.client, {
      firmId: job.firmId,
      linkId: request.linkId,
      jobId: job.jobId,
      category: request.category,
      client: request.client,
      server: request.server,
    });
    for (const direction of directions) {
      const [sender, receiver] =
        direction === 'send' ? [request.client, request.server] : [request.server, request.client];
      const watermark = await this.store.watermark({ linkId: request.linkId, cls, direction });
      const key = { linkId: request.linkId, cls, direction };
      const hold = this.hold ? await this.hold.prepare(request, key, receiver, heldAt, signal) : null;
      if (hold) holds.push(hold);
      const opposite = direction === 'send' ? 'receive' : 'send';
      const oppositeWatermark = directions.includes(opposite)
        ? await this.store.watermark({ linkId: request.linkId, cls, direction: opposite })
        : null;
      const result = await sync.run({
        held: hold && !hold.holding ? hold.live : [],
        holding: hold?.holding ?? false,
        onDemand: request.mode === 'on_demand',
        category: request.category,
        direction,
        sender,
        receiver,
        rules: rulesFor(request.rules, cls, direction),
        watermark,
        echoes,
        // Holding for an unreachable receiver: its versions cannot be read, so no conflict check now; the held
        // changes are applied when it answers (a change made there meanwhile is overwritten: see the README).
        gate: hold?.holding ? undefined : conflicts.direction(direction, oppositeWatermark),
        signal,
      });
      results.push(result);
      for (const batch of result.batches) for (const o of batch) echoes.add(o.guid);
      if (result.error) break;
    }
    return this.result(job, request, results, directions.length, null, holds, heldAt, conflicts);
  }

  failed(job: HandledJob, error: PortalError): HandledResult {
    const parsed = BooksJobRequestedSchema.safeParse(job.payload);
    if (!parsed.success) throw error;
    return this.result(job, parsed.data, [], 1, error);
  }

  private result(
    job: HandledJob,
    request: BooksJobRequested,
    results: DirectionResult[],
    directions: number,
    failure: PortalError | null = null,
    holds: DirectionHold[] = [],
    heldAt: Date = new Date(),
    conflicts: JobConflicts | null = null,
  ): HandledResult {
    const counts = results.reduce((sum, r) => add(sum, r.counts), zeroCounts());
    const error = failure ?? results.find((r) => r.error)?.error ?? null;
    const expired = BooksHold.expiredOf(holds);
    const verdict = judge(
      request,
      counts,
      error,
      directions,
      {
        expired,
        holdMs: this.hold?.holdMs ?? 0,
        unreachable: holds
          .filter((h) => h.holding)
          .map((h) => (h.key.direction === 'send' ? request.server.companyId : request.client.companyId)),
        sendersOffline: results
          .filter((r) => r.senderOffline)
          .map((r) => (r.direction === 'send' ? request.client.companyId : request.server.companyId)),
      },
      conflicts?.ids,
    );
    const cls = booksClassOf(request.category);
    return {
      completion: {
        outcome: verdict.outcome,
        errorCode: verdict.errorCode,
        errorMessage: verdict.errorMessage,
        counts: {
          added: counts.created,
          updated: counts.altered,
          removed: counts.deleted,
          unchanged: counts.unchanged,
        },
        parts: null,
      },
      retryable: verdict.retryable,
      persist: async (manager, finishedAt) => {
        const events: OutgoingEvent[] = [];
        await conflicts?.persist(manager, finishedAt);
        const meta = { firmId: job.firmId, correlationId: job.runId, causationId: job.requestEventId };
        for (const r of results) {
          const key = { linkId: request.linkId, cls, direction: r.direction };
          if (r.watermark > r.previousWatermark) {
            await this.store.saveWatermark(manager, key, job.firmId, r.watermark, job.jobId, finishedAt);
          }
          const hold = holds.find((h) => h.key.direction === r.direction);
          if (this.hold && hold) {
            const appliedGuids = new Set(r.batches.flatMap((b) => b.map((o) => o.guid)));
            await this.hold.persist(manager, hold, { ...r, appliedGuids }, job, heldAt);
          }
          await this.store.saveErrors(
            manager,
            { ...job, linkId: request.linkId },
            r.direction,
            r.failed,
            finishedAt,
          );
          for (const objects of r.batches) {
            const data = {
              linkId: request.linkId,
              runId: job.runId,
              jobId: job.jobId,
              direction: r.direction,
              objects,
            };
            events.push({
              contract: BooksChangesAppliedEvent,
              envelope: createEnvelope(BooksChangesAppliedEvent, data, meta),
            });
          }
        }
        const completed: BooksJobCompleted = {
          jobId: job.jobId,
          runId: job.runId,
          linkId: request.linkId,
          category: request.category,
          attempt: job.attempt,
          ...verdict,
          counts,
          failedObjects: results.flatMap((r) =>
            r.failed.map((f) => ({ guid: f.guid, type: f.type, errorCode: errorCodeOf(f.message) })),
          ),
          ...(this.hold
            ? {
                held: await this.hold.totals(manager, request.linkId),
                expiredObjects: expired,
              }
            : {}),
          startedAt: job.startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
        };
        // The applied batches first, then the result: same key (the link), so consumers see them in order.
        events.push({
          contract: BooksJobCompletedEvent,
          envelope: createEnvelope(BooksJobCompletedEvent, completed, meta),
        });
        return events;
      },
    };
  }
}
