import type { Server } from 'node:http';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
  BooksCounts,
  BooksJobCompleted,
  BooksJobRequested,
  BooksRule,
  Envelope,
  FailureCode,
  LinkState,
  RuleStatus,
  SyncJobCompleted,
  SyncJobRequested,
} from '@practice-sync/contracts';
import {
  BooksJobCompletedEvent,
  BooksJobRequestedEvent,
  createEnvelope,
  SyncJobCompletedEvent,
  SyncJobRequestedEvent,
  Topics,
} from '@practice-sync/contracts';
import type { KafkaMessaging } from '@practice-sync/messaging';

/** A client as the fan-out sees it, plus tags for selections. */
export interface FakeClient {
  id: string;
  name?: string;
  pan: string | null;
  gstins: string[];
  esignClientFileId: string | null;
  tags: string[];
}

/** A branch link as client-master's `…/branch-links/select` answers it (active rules apart from the rest). */
export interface FakeLink {
  id: string;
  /** What client-master's link state says (a restart reads it); absent: not answered. */
  state?: LinkState;
  clientCompany: { id: string; booksUrl: string };
  serverCompany: { id: string; booksUrl: string };
  rules: (BooksRule & { status: RuleStatus; reason: string | null })[];
}

/** client-master's `POST …/clients/select` and `…/branch-links/select` over real HTTP, from memory (tests only). */
export class FakeClientMaster {
  readonly clients = new Map<string, FakeClient[]>();
  readonly links = new Map<string, FakeLink[]>();
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const m = /^\/internal\/v1\/firms\/([^/]+)\/clients\/select(\/unmatched)?$/.exec(req.url ?? '');
      const l = /^\/internal\/v1\/firms\/([^/]+)\/branch-links\/select(\/unmatched)?$/.exec(req.url ?? '');
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        if (l && req.method === 'POST') {
          this.answerLinks(l[1], Boolean(l[2]), raw, res);
          return;
        }
        if (!m || req.method !== 'POST') {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(raw) as {
          selection: { all?: true; ids?: string[]; tags?: string[] };
          limit: number;
          cursor: string | null;
        };
        const all = (this.clients.get(m[1]) ?? []).slice().sort((a, b) => a.id.localeCompare(b.id));
        const s = body.selection;
        if (m[2]) {
          const unmatched = [
            ...(s.ids ?? []).filter((id) => !all.some((c) => c.id === id)),
            ...(s.tags ?? []).filter((t) => !all.some((c) => c.tags.includes(t))),
          ];
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ unmatched }));
          return;
        }
        const chosen = all.filter(
          (c) =>
            s.all === true ||
            (s.ids?.includes(c.id) ?? false) ||
            (s.tags?.some((t) => c.tags.includes(t)) ?? false),
        );
        const after = body.cursor ? chosen.filter((c) => c.id > (body.cursor as string)) : chosen;
        const items = after.slice(0, body.limit);
        const nextCursor = after.length > body.limit ? items[items.length - 1].id : null;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items, nextCursor }));
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private answerLinks(firmId: string, unmatchedOnly: boolean, raw: string, res: ServerResponse): void {
    const body = JSON.parse(raw) as {
      selection: { all?: true; ids?: string[] };
      limit: number;
      cursor: string | null;
    };
    const all = (this.links.get(firmId) ?? []).slice().sort((a, b) => a.id.localeCompare(b.id));
    const s = body.selection;
    const json = (v: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (unmatchedOnly) {
      json({ unmatched: (s.ids ?? []).filter((id) => !all.some((x) => x.id === id)) });
      return;
    }
    const chosen = all.filter((x) => s.all === true || (s.ids?.includes(x.id) ?? false));
    const after = body.cursor ? chosen.filter((x) => x.id > (body.cursor as string)) : chosen;
    const items = after.slice(0, body.limit).map((x) => ({
      id: x.id,
      ...(x.state ? { state: x.state } : {}),
      clientCompany: x.clientCompany,
      serverCompany: x.serverCompany,
      rules: x.rules
        .filter((r) => r.status === 'active')
        .map((r) => ({
          id: r.id,
          class: r.class,
          types: r.types,
          direction: r.direction,
          fromDate: r.fromDate,
        })),
      inactiveRules: x.rules
        .filter((r) => r.status !== 'active')
        .map((r) => ({ id: r.id, class: r.class, status: r.status, reason: r.reason })),
    }));
    json({ items, nextCursor: after.length > body.limit ? items[items.length - 1].id : null });
  }
}

export type FakeBooksAnswer =
  | { outcome: 'succeeded' | 'no_change' | 'partial'; counts?: Partial<BooksCounts>; failed?: number }
  | { outcome: 'failed'; errorCode: FailureCode; retryable: boolean }
  | { outcome: 'lost' };

/** Stands in for connector-books: consumes `sync.jobs.books.v1`, answers each job on `sync.results.books.v1`. */
export class FakeBooksConnector {
  readonly received: { job: BooksJobRequested; firmId: string }[] = [];
  answer: (job: BooksJobRequested) => FakeBooksAnswer = () => ({ outcome: 'succeeded' });
  delayMs = 20;

  constructor(private readonly messaging: KafkaMessaging) {}

  async start(groupId: string): Promise<void> {
    await this.messaging.consume({
      groupId,
      topics: [Topics.JobsBooks],
      contracts: [BooksJobRequestedEvent],
      concurrency: 3,
      handle: async (e) => {
        const envelope = e as Envelope<BooksJobRequested>;
        this.received.push({ job: envelope.data, firmId: envelope.firmId });
        void this.work(envelope.data, envelope.firmId);
      },
    });
  }

  private async work(job: BooksJobRequested, firmId: string): Promise<void> {
    const startedAt = new Date();
    await new Promise((res) => setTimeout(res, this.delayMs));
    const a = this.answer(job);
    if (a.outcome === 'lost') return;
    const failed = a.outcome === 'failed' ? 0 : (a.failed ?? 0);
    const data: BooksJobCompleted = {
      jobId: job.jobId,
      runId: job.runId,
      linkId: job.linkId,
      category: job.category,
      attempt: job.attempt,
      outcome: a.outcome,
      errorCode: a.outcome === 'failed' ? a.errorCode : null,
      errorMessage: a.outcome === 'failed' ? `fake ${a.errorCode}` : null,
      retryable: a.outcome === 'failed' ? a.retryable : false,
      counts: {
        created: 0,
        altered: 0,
        deleted: 0,
        unchanged: 0,
        held: 0,
        conflicts: 0,
        errors: failed,
        ...(a.outcome === 'failed' ? {} : a.counts),
      },
      failedObjects: Array.from({ length: failed }, (_, i) => ({
        guid: `guid-${i}`,
        type: 'VOUCHER',
        errorCode: 'missing_master' as const,
      })),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    };
    const envelope = createEnvelope(BooksJobCompletedEvent, data, { firmId, correlationId: job.runId });
    await this.messaging.publisher.publish([{ contract: BooksJobCompletedEvent, envelope }]);
  }
}

export type FakeAnswer =
  | { outcome: 'succeeded' | 'no_change' | 'no_data' }
  | { outcome: 'failed'; errorCode: FailureCode; retryable: boolean }
  /** Some parts kept (one record each), the `failed` ones failed with `errorCode`. */
  | { outcome: 'partial'; parts: string[]; failed: string[]; errorCode: FailureCode; retryable: boolean }
  /** Never answer (a lost job). */
  | { outcome: 'lost' };

export interface ReceivedJob {
  job: SyncJobRequested;
  firmId: string;
  receivedAt: number;
}

/**
 * Stands in for the connectors: consumes the job topics, answers each job after `delayMs` with what
 * `answer` says, at most `concurrency` at a time, and remembers every request it received.
 */
export class FakeConnector {
  readonly received: ReceivedJob[] = [];
  answer: (job: SyncJobRequested) => FakeAnswer = () => ({ outcome: 'succeeded' });
  delayMs = 20;
  private active = 0;
  private readonly queue: ReceivedJob[] = [];

  constructor(private readonly messaging: KafkaMessaging) {}

  async start(groupId: string): Promise<void> {
    await this.messaging.consume({
      groupId,
      topics: [Topics.JobsGst, Topics.JobsItr, Topics.JobsEsign],
      contracts: [SyncJobRequestedEvent],
      concurrency: 3,
      handle: async (e) => {
        const envelope = e as Envelope<SyncJobRequested>;
        const r = { job: envelope.data, firmId: envelope.firmId, receivedAt: Date.now() };
        this.received.push(r);
        this.queue.push(r);
        this.pump();
      },
    });
  }

  private pump(): void {
    while (this.active < 1000 && this.queue.length > 0) {
      const r = this.queue.shift() as ReceivedJob;
      this.active += 1;
      void this.work(r).finally(() => {
        this.active -= 1;
        this.pump();
      });
    }
  }

  private async work(r: ReceivedJob): Promise<void> {
    const startedAt = new Date();
    await new Promise((res) => setTimeout(res, this.delayMs));
    const a = this.answer(r.job);
    if (a.outcome === 'lost') return;
    const data: SyncJobCompleted = {
      jobId: r.job.jobId,
      runId: r.job.runId,
      clientId: r.job.clientId,
      category: r.job.category,
      subject: r.job.subject,
      period: r.job.period,
      attempt: r.job.attempt,
      outcome: a.outcome,
      errorCode: a.outcome === 'failed' || a.outcome === 'partial' ? a.errorCode : null,
      errorMessage:
        a.outcome === 'failed' || a.outcome === 'partial'
          ? `fake ${a.errorCode}`
          : a.outcome === 'no_data'
            ? 'nothing on the portal for this period'
            : null,
      retryable: a.outcome === 'failed' || a.outcome === 'partial' ? a.retryable : false,
      counts: {
        added: a.outcome === 'succeeded' ? 1 : a.outcome === 'partial' ? a.parts.length - a.failed.length : 0,
        updated: 0,
        removed: 0,
        unchanged: 0,
      },
      parts:
        a.outcome === 'partial'
          ? a.parts.map((name) => {
              const failed = a.failed.includes(name);
              return {
                name,
                status: failed ? ('failed' as const) : ('fetched' as const),
                records: failed ? 0 : 1,
                errorCode: failed ? a.errorCode : null,
                errorMessage: failed ? `fake ${a.errorCode}` : null,
                retryable: failed && a.retryable,
              };
            })
          : null,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    };
    const envelope = createEnvelope(SyncJobCompletedEvent, data, {
      firmId: r.firmId,
      correlationId: r.job.runId,
    });
    await this.messaging.publisher.publish([{ contract: SyncJobCompletedEvent, envelope }]);
  }
}
