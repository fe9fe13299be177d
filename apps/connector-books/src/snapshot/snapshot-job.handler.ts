import type {
  HandledJob,
  HandledResult,
  JobCompletion,
  JobHandler,
  PortalError,
} from '@practice-sync/connector-kit';
import { PortalError as PortalErrorClass, toPortalError } from '@practice-sync/connector-kit';
import type { BooksCounts, BooksJobCompleted, BooksJobRequested } from '@practice-sync/contracts';
import { BooksJobCompletedEvent, BooksJobRequestedSchema, createEnvelope } from '@practice-sync/contracts';
import type { DataSource } from 'typeorm';

import { allowed, rulesFor } from '../sync/books-rules';
import type { BooksStore } from '../sync/books-store';
import { companyLabel } from '../sync/company-label';
import { complete, importOrder, mastersByName } from '../sync/completeness';
import type { DirectionInput, FailedObject } from '../sync/direction-sync';
import { DirectionSync, zeroCounts } from '../sync/direction-sync';
import { errorCodeOf } from '../sync/object-results';
import type { BooksObject } from '../tally/books-objects';
import { refKey } from '../tally/books-objects';
import type { BooksServerClient } from '../tally/books-server.client';
import type { SnapshotMetrics } from './snapshot.metrics';
import type { SnapshotObject } from './snapshot-chunks';
import { Chunker, resumePlan, snapshotWatermark } from './snapshot-chunks';
import type { SnapshotStore } from './snapshot-store';

const CATEGORY = 'books.snapshot' as const;

/** What one attempt of a snapshot did with its chunks (the job result's `snapshot`). */
export interface ChunkCounters {
  total: number;
  acknowledged: number;
  sent: number;
  resent: number;
  resumedFrom: number;
}

/** Snapshot refusals and dead ends the run log explains: field, reason, what to do. */
export class SnapshotRefused extends Error {
  constructor(
    readonly code: 'books_not_empty' | 'no_rule',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotRefused';
  }
}

const toSnapshotObject = (o: BooksObject): SnapshotObject => ({
  tag: o.tag,
  guid: o.guid,
  alterId: o.alterId,
  node: o.node,
});

/**
 * `books.snapshot`: the link's server company's books (masters parents first, then vouchers, each voucher
 * with the masters it needs) copied to its client company in chunks. First attempt: the receiver must be empty
 * (no master of its own) unless `replace`; the sender's top ALTERID is read, and every object up to it is
 * staged, sealed, in chunks of BOOKS_SNAPSHOT_CHUNK_SIZE. Then each chunk not yet acknowledged is imported
 * and its acknowledgement recorded with its counts before the next is sent, so a retried job (after a kill, a
 * timeout, an unreachable receiver) goes on from the first unacknowledged chunk. At the end, in the finishing
 * transaction: the receive watermarks (the sender's top, or just below the oldest refused object) and the send
 * watermarks (the receiver's top after the import, so nothing the snapshot imported is echoed back).
 */
export class SnapshotJobHandler {
  constructor(
    private readonly client: BooksServerClient,
    private readonly books: BooksStore,
    private readonly store: SnapshotStore,
    private readonly dataSource: DataSource,
    private readonly metrics: SnapshotMetrics,
    private readonly options: { chunkSize: number; exportBatch: number },
  ) {}

  async handle(job: HandledJob, signal: AbortSignal): Promise<HandledResult> {
    const request = BooksJobRequestedSchema.parse(job.payload);
    const counters: ChunkCounters = { total: 0, acknowledged: 0, sent: 0, resent: 0, resumedFrom: 0 };
    const failed: FailedObject[] = [];
    try {
      const masterRules = rulesFor(request.rules, 'masters', 'receive');
      const voucherRules = rulesFor(request.rules, 'transactions', 'receive');
      if (!masterRules.length && !voucherRules.length) {
        throw new SnapshotRefused(
          'no_rule',
          `snapshot: no active rule of the link moves books from ${companyLabel(request, request.server.companyId)} ` +
            `to ${companyLabel(request, request.client.companyId)}; add a rule with ` +
            'direction receive or both and have the server company activate it, then start the snapshot again',
        );
      }
      let snapshot = await this.store.find(job.jobId);
      if (!snapshot || snapshot.chunks === null) {
        await this.stage(job, request, signal);
        snapshot = await this.store.find(job.jobId);
      }
      if (!snapshot || snapshot.chunks === null) throw new Error(`snapshot ${job.jobId} was not staged`);
      const plan = resumePlan(await this.store.progress(job.jobId));
      counters.total = snapshot.chunks;
      counters.resumedFrom = plan.resumedFrom;
      const resent = new Set(plan.resent);
      for (const index of plan.toSend) {
        const { objects, bytes } = await this.store.send(job.jobId, index);
        counters.sent++;
        this.metrics.chunk('sent', bytes, objects.length);
        if (resent.has(index)) {
          counters.resent++;
          this.metrics.chunk('resent', bytes, objects.length);
        }
        const chunkFailed = await this.importChunk(request, objects, job, index, signal);
        failed.push(...chunkFailed);
        this.metrics.chunk('acknowledged', bytes, objects.length);
      }
      const totals = await this.store.totals(job.jobId);
      counters.acknowledged = totals.acknowledged;
      const receiverTop = await this.client.lastAlterId(request.client, CATEGORY, signal);
      return this.result(job, request, counters, failed, {
        counts: totals.counts,
        watermarks: {
          masters: masterRules.length
            ? snapshotWatermark(snapshot.senderTop, totals.oldestFailed.masters)
            : null,
          transactions: voucherRules.length
            ? snapshotWatermark(snapshot.senderTop, totals.oldestFailed.transactions)
            : null,
          receiverTop,
        },
      });
    } catch (error) {
      counters.acknowledged = (await this.store.totals(job.jobId).catch(() => null))?.acknowledged ?? 0;
      return this.result(job, request, counters, failed, { error: this.errorOf(error) });
    }
  }

  failed(job: HandledJob, error: PortalError): HandledResult {
    const parsed = BooksJobRequestedSchema.safeParse(job.payload);
    if (!parsed.success) throw error;
    const counters: ChunkCounters = { total: 0, acknowledged: 0, sent: 0, resent: 0, resumedFrom: 0 };
    return this.result(job, parsed.data, counters, [], {
      error: { code: error.code, message: error.message, retryable: error.retryable },
    });
  }

  private errorOf(error: unknown): {
    code: BooksJobCompleted['errorCode'];
    message: string;
    retryable: boolean;
  } {
    if (error instanceof SnapshotRefused) {
      return {
        code: error.code === 'books_not_empty' ? 'books_not_empty' : null,
        message: error.message,
        retryable: false,
      };
    }
    const portal = error instanceof PortalErrorClass ? error : toPortalError(error);
    return { code: portal.code, message: portal.message, retryable: portal.retryable };
  }

  /** First attempt (or one killed while staging): check the receiver, read the sender's top, stage every chunk. */
  private async stage(job: HandledJob, request: BooksJobRequested, signal: AbortSignal): Promise<void> {
    const { client: receiver, server: sender } = request;
    const receiverMasters = await this.client.masters(receiver, CATEGORY, signal);
    const own = receiverMasters.filter((m) => !m.reserved).length;
    if (own > 0 && !request.snapshot?.replace) {
      throw new SnapshotRefused(
        'books_not_empty',
        `replace: the books of ${companyLabel(request, receiver.companyId)} are not empty (${own} master(s) ` +
          'besides the predefined groups), and a snapshot imports a whole set of books into them; nothing was ' +
          'imported. Start the snapshot into an empty company, or again with { "replace": true } to import ' +
          "over them (objects with the server's GUIDs are altered to the server's version; nothing is deleted)",
      );
    }
    const senderTop = await this.client.lastAlterId(sender, CATEGORY, signal);
    await this.store.begin(
      {
        jobId: job.jobId,
        linkId: request.linkId,
        firmId: job.firmId,
        senderTop,
        chunkSize: this.options.chunkSize,
      },
      new Date(),
    );
    const masterRules = rulesFor(request.rules, 'masters', 'receive');
    const voucherRules = rulesFor(request.rules, 'transactions', 'receive');
    const senderMasters = await this.client.masters(sender, CATEGORY, signal);
    const names = new Set(receiverMasters.map((m) => refKey(m.tag, m.name)));
    const chunker = new Chunker(this.options.chunkSize);
    let index = 0;
    const stage = async (chunks: SnapshotObject[][]): Promise<void> => {
      await this.store.stage(job.jobId, index, chunks);
      index += chunks.length;
    };
    const masters = importOrder(
      senderMasters.filter(
        (m) => !m.reserved && m.alterId <= senderTop && masterRules.length > 0 && allowed(masterRules, m),
      ),
    );
    for (const m of masters) names.add(refKey(m.tag, m.name));
    await stage(chunker.add(masters.map(toSnapshotObject)));
    if (voucherRules.length) {
      const byName = mastersByName(senderMasters);
      const has = { hasName: (tag: string, name: string) => names.has(refKey(tag, name)) };
      for (const page of this.client.pages({ after: 0, upTo: senderTop })) {
        const vouchers = (await this.client.changedPage(sender, CATEGORY, 'Voucher', page, signal)).filter(
          (v) => !v.reserved && allowed(voucherRules, v),
        );
        if (!vouchers.length) continue;
        // Each voucher with the masters it refers to that neither the receiver nor an earlier chunk holds.
        const ordered = complete(vouchers, has, byName).objects;
        for (const o of ordered) if (o.tag !== 'VOUCHER') names.add(refKey(o.tag, o.name));
        await stage(chunker.add(ordered.map(toSnapshotObject)));
      }
    }
    await stage(chunker.flush());
    await this.store.staged(job.jobId, index, new Date());
  }

  /** One chunk imported at the receiver, then acknowledged (with its counts and refused objects) in one transaction. */
  private async importChunk(
    request: BooksJobRequested,
    objects: SnapshotObject[],
    job: HandledJob,
    index: number,
    signal: AbortSignal,
  ): Promise<FailedObject[]> {
    const input: DirectionInput = {
      category: CATEGORY,
      direction: 'receive',
      sender: request.server,
      receiver: request.client,
      rules: [],
      watermark: 0,
      echoes: new Set(),
      signal,
    };
    const sync = new DirectionSync(this.client, this.options.exportBatch);
    const counts = zeroCounts();
    const planned = objects.map((o) => ({
      tag: o.tag,
      node: o.node,
      action: 'Create' as const,
      guid: o.guid,
      alterId: o.alterId,
    }));
    const results = await sync.importBatch(input, planned, counts);
    const failed: FailedObject[] = [];
    let failedMastersAt: number | null = null;
    let failedVouchersAt: number | null = null;
    results.forEach((r, i) => {
      if (r.ok) return;
      const o = objects[i];
      failed.push({ guid: o.guid, type: o.tag, message: r.message });
      if (o.tag === 'VOUCHER') failedVouchersAt = Math.min(failedVouchersAt ?? Infinity, o.alterId);
      else failedMastersAt = Math.min(failedMastersAt ?? Infinity, o.alterId);
    });
    const at = new Date();
    await this.dataSource.transaction(async (manager) => {
      await this.books.saveErrors(manager, { ...job, linkId: request.linkId }, 'receive', failed, at);
      await this.store.acknowledge(
        manager,
        job.jobId,
        index,
        {
          created: counts.created,
          altered: counts.altered,
          unchanged: counts.unchanged,
          errors: counts.errors,
          failedMastersAt,
          failedVouchersAt,
        },
        at,
      );
    });
    return failed;
  }

  private result(
    job: HandledJob,
    request: BooksJobRequested,
    counters: ChunkCounters,
    failed: FailedObject[],
    end:
      | {
          counts: BooksCounts;
          watermarks: { masters: number | null; transactions: number | null; receiverTop: number };
          error?: undefined;
        }
      | {
          error: { code: BooksJobCompleted['errorCode']; message: string; retryable: boolean };
          counts?: undefined;
        },
  ): HandledResult {
    const counts = end.counts ?? zeroCounts();
    const verdict: Pick<BooksJobCompleted, 'errorCode' | 'errorMessage' | 'retryable'> & {
      outcome: JobCompletion['outcome'];
    } = end.error
      ? {
          outcome: end.error.code === null && !end.error.retryable ? 'no_change' : 'failed',
          errorCode: end.error.code,
          errorMessage: end.error.message,
          retryable: end.error.retryable,
        }
      : counts.errors > 0
        ? {
            outcome: 'partial',
            errorCode: null,
            errorMessage: `${counts.errors} object(s) refused by the receiving books (see the job's object errors); they are tried again next run`,
            retryable: false,
          }
        : {
            outcome: counts.created + counts.altered > 0 ? 'succeeded' : 'no_change',
            errorCode: null,
            errorMessage: null,
            retryable: false,
          };
    return {
      completion: {
        outcome: verdict.outcome,
        errorCode: verdict.errorCode,
        errorMessage: verdict.errorMessage,
        counts: { added: counts.created, updated: counts.altered, removed: 0, unchanged: counts.unchanged },
        parts: null,
      },
      retryable: verdict.retryable,
      persist: async (manager, finishedAt) => {
        if (end.counts) {
          const { masters, transactions, receiverTop } = end.watermarks;
          const save = (cls: 'masters' | 'transactions', direction: 'send' | 'receive', alterId: number) =>
            this.books.saveWatermark(
              manager,
              { linkId: request.linkId, cls, direction },
              job.firmId,
              alterId,
              job.jobId,
              finishedAt,
            );
          if (masters !== null) await save('masters', 'receive', masters);
          if (transactions !== null) await save('transactions', 'receive', transactions);
          // The receiver's own counter after the import: what the snapshot created there is not sent back.
          await save('masters', 'send', receiverTop);
          await save('transactions', 'send', receiverTop);
          await this.store.finish(manager, job.jobId, finishedAt);
        }
        const completed: BooksJobCompleted = {
          jobId: job.jobId,
          runId: job.runId,
          linkId: request.linkId,
          category: request.category,
          attempt: job.attempt,
          ...verdict,
          counts,
          failedObjects: failed.map((f) => ({
            guid: f.guid,
            type: f.type,
            errorCode: errorCodeOf(f.message),
          })),
          snapshot: counters,
          startedAt: job.startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
        };
        const meta = { firmId: job.firmId, correlationId: job.runId, causationId: job.requestEventId };
        return [
          {
            contract: BooksJobCompletedEvent,
            envelope: createEnvelope(BooksJobCompletedEvent, completed, meta),
          },
        ];
      },
    };
  }
}

/** connector-books' one handler: snapshots here, every other books job to the incremental handler. */
export class BooksJobRouter implements JobHandler<BooksJobRequested> {
  readonly categories: readonly string[];
  readonly intake: JobHandler<BooksJobRequested>['intake'];

  constructor(
    private readonly incremental: JobHandler<BooksJobRequested>,
    private readonly snapshots: SnapshotJobHandler,
  ) {
    this.categories = incremental.categories;
    this.intake = incremental.intake;
  }

  handle(job: HandledJob, signal: AbortSignal): Promise<HandledResult> {
    return job.category === CATEGORY
      ? this.snapshots.handle(job, signal)
      : this.incremental.handle(job, signal);
  }

  failed(job: HandledJob, error: PortalError): HandledResult {
    return job.category === CATEGORY
      ? this.snapshots.failed(job, error)
      : this.incremental.failed(job, error);
  }
}
