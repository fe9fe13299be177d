import type {
  BooksChangesApplied,
  BooksJobCompleted,
  BooksJobRequested,
  Envelope,
} from '@practice-sync/contracts';
import { BooksJobRequestedEvent, createEnvelope, Topics } from '@practice-sync/contracts';
import { encodeEvent } from '@practice-sync/messaging';
import type { Consumer, Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';

import { testInfra } from '../test-infra';
import { uniqueName } from '../unique-name';
import { openProbeKafka } from './probe-kafka';
import type { SandboxProcess } from './sandbox-process';
import { startSandboxProcess } from './sandbox-process';
import type { ScratchDatabase } from './scratch-database';
import { createScratchDatabase } from './scratch-database';
import type { ConnectorProcess } from './service-process';
import { startConnectorProcess } from './service-process';

/** A books object as the sandbox's control API shows it (`GET /_sandbox/books/{key}/objects`). */
export type SandboxBooksObject = Record<string, unknown> & { type: string; guid: string; name?: string };

/** The sandbox's books control calls (README "Books control calls"). */
export class SandboxBooks {
  constructor(private readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/_sandbox/books${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok)
      throw new Error(`${method} /_sandbox/books${path} → HTTP ${res.status}: ${await res.text()}`);
    return res.json();
  }

  /** A company's books server; its `booksUrl` is what a job names. */
  async company(key: string, name: string, vouchers: number): Promise<{ key: string; booksUrl: string }> {
    return (await this.call('POST', '/companies', { key, name, vouchers })) as {
      key: string;
      booksUrl: string;
    };
  }

  /** What staff do in the books: create, alter, rename or delete one object. */
  async change(
    key: string,
    change: { action: 'create' | 'alter' | 'rename' | 'delete'; type: string; guid?: string; body?: unknown },
  ): Promise<SandboxBooksObject> {
    return (await this.call('POST', `/${key}/objects`, change)) as SandboxBooksObject;
  }

  /** The company's description: its ALTERID counter and how many objects of each type it holds. */
  async describe(key: string): Promise<{ lastAlterId: number; counts: Record<string, number> }> {
    return (await this.call('GET', `/${key}`)) as { lastAlterId: number; counts: Record<string, number> };
  }

  async objects(key: string, type?: string): Promise<SandboxBooksObject[]> {
    const query = type ? `?type=${encodeURIComponent(type)}` : '';
    return (await this.call('GET', `/${key}/objects${query}`)) as SandboxBooksObject[];
  }

  async offline(key: string, offline: boolean): Promise<void> {
    const res = await fetch(`${this.url}/_sandbox/faults/books/${key}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offline }),
    });
    if (!res.ok) throw new Error(`PUT /_sandbox/faults/books/${key} → HTTP ${res.status}`);
  }
}

/** Publishes books jobs as the orchestrator will, and collects their results and applied batches. */
export class BooksProbe {
  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly prefix: string,
    readonly results: Envelope<BooksJobCompleted>[],
    readonly applied: Envelope<BooksChangesApplied>[],
  ) {}

  static async start(brokers: string[], prefix: string): Promise<BooksProbe> {
    const results: Envelope<BooksJobCompleted>[] = [];
    const applied: Envelope<BooksChangesApplied>[] = [];
    const { producer, consumer } = await openProbeKafka({
      brokers,
      prefix,
      groupId: 'books-probe',
      topics: [Topics.JobsBooks, Topics.BooksResults, Topics.BooksChanges],
      consumed: [Topics.BooksResults, Topics.BooksChanges],
      onEnvelope: (topic, envelope) => {
        if (topic === Topics.BooksResults) results.push(envelope as Envelope<BooksJobCompleted>);
        else applied.push(envelope as Envelope<BooksChangesApplied>);
      },
    });
    return new BooksProbe(producer, consumer, prefix, results, applied);
  }

  async publish(firmId: string, jobs: BooksJobRequested[]): Promise<void> {
    const messages = jobs.map((job) =>
      encodeEvent({
        contract: BooksJobRequestedEvent,
        topic: Topics.JobsBooks,
        envelope: createEnvelope(BooksJobRequestedEvent, job, {
          firmId,
          correlationId: job.runId,
          causationId: null,
        }),
      }),
    );
    await this.producer.send({
      topic: `${this.prefix}${Topics.JobsBooks}`,
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    });
  }

  resultsOf(jobId: string): BooksJobCompleted[] {
    return this.results.filter((e) => e.data.jobId === jobId).map((e) => e.data);
  }

  appliedOf(jobId: string): BooksChangesApplied[] {
    return this.applied.filter((e) => e.data.jobId === jobId).map((e) => e.data);
  }

  /** Waits for the result of each job's attempt (a re-dispatched job keeps its id with a higher attempt). */
  async waitForResults(
    jobs: readonly { jobId: string; attempt: number }[],
    timeoutMs = 120_000,
  ): Promise<BooksJobCompleted[]> {
    const deadline = Date.now() + timeoutMs;
    const find = (j: { jobId: string; attempt: number }) =>
      this.resultsOf(j.jobId).find((r) => r.attempt === j.attempt);
    for (;;) {
      const missing = jobs.filter((j) => !find(j));
      if (!missing.length) return jobs.map((j) => find(j) as BooksJobCompleted);
      if (Date.now() > deadline) {
        throw new Error(`no result for ${missing.length} books job(s), e.g. ${missing[0].jobId}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

export interface BooksHarnessOptions {
  /** Runs connector-books' migrations on its scratch database. */
  migrate(databaseUrl: string): Promise<unknown>;
  connectorEnv?: Record<string, string>;
}

/**
 * connector-books as a process against the sandbox's books servers, with real Kafka and PostgreSQL: what
 * ConnectorHarness is for the portal connectors, for jobs that run per branch link.
 */
export class BooksHarness {
  readonly firmId = uuidv7();
  private db?: ScratchDatabase;
  private sandboxProcess?: SandboxProcess;
  private probeInstance?: BooksProbe;
  private connector?: ConnectorProcess;
  private env: Record<string, string> = {};

  constructor(private readonly options: BooksHarnessOptions) {}

  /** The connector's scratch database (after `start()`): for specs that read its tables. */
  get databaseUrl(): string {
    if (!this.db) throw new Error('start() the harness first');
    return this.db.url;
  }

  /** The sandbox process (after `start()`): its clock moves held changes towards expiry. */
  get sandbox(): SandboxProcess {
    if (!this.sandboxProcess) throw new Error('start() the harness first');
    return this.sandboxProcess;
  }

  async start(): Promise<{ books: SandboxBooks; probe: BooksProbe; connector: ConnectorProcess }> {
    const infra = testInfra();
    const prefix = `${infra.topicPrefix}${uniqueName('books')}.`;
    this.db = await createScratchDatabase(infra.databaseUrl, uniqueName('cbooks'));
    this.sandboxProcess = await startSandboxProcess();
    await this.options.migrate(this.db.url);
    this.probeInstance = await BooksProbe.start(infra.kafkaBrokers, prefix);
    this.env = {
      KAFKA_BROKERS: infra.env.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '2',
      DATABASE_URL: this.db.url,
      JOB_POLL_INTERVAL_MS: '200',
      // Held changes expire on the sandbox's clock, as in the stack.
      BOOKS_CLOCK_URL: `${this.sandboxProcess.url}/_sandbox/clock`,
      ...this.options.connectorEnv,
    };
    this.connector = await startConnectorProcess('connector-books', this.env);
    return {
      books: new SandboxBooks(this.sandboxProcess.url),
      probe: this.probeInstance,
      connector: this.connector,
    };
  }

  /** Publishes the jobs and waits for each one's result. */
  readonly run = async (jobs: BooksJobRequested[]): Promise<BooksJobCompleted[]> => {
    const probe = this.probeInstance;
    if (!probe) throw new Error('start() the harness first');
    await probe.publish(this.firmId, jobs);
    return probe.waitForResults(jobs);
  };

  /** A JSON GET on the connector's internal API under `/internal/v1/firms/<firm>`. */
  readonly get = async (path: string, firm = this.firmId): Promise<{ status: number; body: unknown }> => {
    if (!this.connector) throw new Error('start() the harness first');
    const res = await fetch(`${this.connector.url}/internal/v1/firms/${firm}${path}`);
    return { status: res.status, body: await res.json() };
  };

  /** SIGKILL of connector-books mid-work (as on a crash). */
  async killConnector(): Promise<void> {
    await this.connector?.kill();
  }

  /** A new connector-books process on the same database and topics (after `killConnector`). */
  async restartConnector(): Promise<ConnectorProcess> {
    this.connector = await startConnectorProcess('connector-books', this.env);
    return this.connector;
  }

  /** A JSON POST on the connector's internal API under `/internal/v1/firms/<firm>`. */
  readonly post = async (
    path: string,
    body: unknown,
    firm = this.firmId,
  ): Promise<{ status: number; body: unknown }> => {
    if (!this.connector) throw new Error('start() the harness first');
    const res = await fetch(`${this.connector.url}/internal/v1/firms/${firm}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  async stop(): Promise<void> {
    await this.connector?.stop();
    await this.probeInstance?.stop();
    await this.sandboxProcess?.stop();
    await this.db?.drop();
  }
}
